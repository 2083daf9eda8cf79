package dev.taskloop.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one logger (and its children) logs while a test runs. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final ch.qos.logback.classic.Level previous;

  public LogCapture(String loggerName, ch.qos.logback.classic.Level level) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previous = logger.getLevel();
    logger.setLevel(level);
    appender.start();
    logger.addAppender(appender);
  }

  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** Every captured line as it would be printed, with stack traces. */
  public String text() {
    var sb = new StringBuilder();
    for (ILoggingEvent event : events()) {
      sb.append(event.getLevel()).append(' ').append(event.getFormattedMessage()).append('\n');
      for (var proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
        sb.append(proxy.getClassName()).append(": ").append(proxy.getMessage()).append('\n');
        for (var frame : proxy.getStackTraceElementProxyArray()) {
          sb.append("  ").append(frame.getSTEAsString()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }
}
