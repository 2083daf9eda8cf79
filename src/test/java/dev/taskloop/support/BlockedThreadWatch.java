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
 * {@code io.vertx.core.impl.BlockedThreadChecker}; TestServer sets the limit to 200 ms). Registered
 * for every test class through JUnit's extension auto-detection.
 */
public final class BlockedThreadWatch implements AfterEachCallback, AfterAllCallback {
  private static final ListAppender<ILoggingEvent> APPENDER = new ListAppender<>();

  static {
    APPENDER.setName("blocked-thread-watch");
    APPENDER.start();
    ((Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker"))
        .addAppender(APPENDER);
  }

  /** A position in the report, for {@link #forgetSince}. */
  public static int mark() {
    synchronized (APPENDER) {
      return APPENDER.list.size();
    }
  }

  /**
   * Forgets what was reported since {@code mark}. TestServer calls it once a server has started and
   * served a warm-up round: deploying the first verticles loads Netty's and Vert.x's classes on an
   * event loop, a one-time cost that a loaded 2-core machine can stretch past the limit. What a
   * test logged before the server started, and everything after, still counts.
   */
  public static void forgetSince(int mark) {
    synchronized (APPENDER) {
      APPENDER.list.subList(Math.min(mark, APPENDER.list.size()), APPENDER.list.size()).clear();
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
      fail(
          "an event loop was blocked: "
              + events.getFirst().getFormattedMessage()
              + (events.getFirst().getThrowableProxy() == null
                  ? ""
                  : "\n" + stack(events.getFirst())));
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
