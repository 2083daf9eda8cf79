package dev.taskloop.support;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails the test during which Vert.x reported a blocked event loop (its checker logs a WARN on
 * {@code io.vertx.core.impl.BlockedThreadChecker}; TestServer sets the limit to 200 ms).
 * Registered for every test class through JUnit's extension auto-detection.
 */
public final class BlockedThreadWatch implements AfterEachCallback, AfterAllCallback {
  private static final ListAppender<ILoggingEvent> APPENDER = new ListAppender<>();

  static {
    APPENDER.setName("blocked-thread-watch");
    APPENDER.start();
    ((Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker")).addAppender(APPENDER);
  }

  /**
   * Forgets what was reported so far. Called once a test server has started: deploying the first
   * verticles loads Netty's and Vert.x's classes on an event loop, a one-time cost that a loaded
   * 2-core machine can stretch past the limit. Request handling is watched from then on.
   */
  public static void reset() {
    synchronized (APPENDER) {
      APPENDER.list.clear();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check();
  }

  private static void check() {
    List<ILoggingEvent> events;
    synchronized (APPENDER) {
      events = List.copyOf(APPENDER.list);
      APPENDER.list.clear();
    }
    if (!events.isEmpty()) {
      fail("an event loop was blocked: " + events.getFirst().getFormattedMessage()
          + (events.getFirst().getThrowableProxy() == null ? "" : "\n" + stack(events.getFirst())));
    }
  }

  private static String stack(ILoggingEvent event) {
    var sb = new StringBuilder();
    for (var frame : event.getThrowableProxy().getStackTraceElementProxyArray()) {
      sb.append("  at ").append(frame.getSTEAsString()).append('\n');
    }
    return sb.toString();
  }
}
