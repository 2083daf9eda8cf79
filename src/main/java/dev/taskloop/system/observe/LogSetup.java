package dev.taskloop.system.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.taskloop.system.config.AppConfig.Observability.LogFormat;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashCommonFieldNames;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code LOG_FORMAT} at startup, in code rather than in logback.xml so that it also works
 * for a service started in-process with its environment as a map (the tests): the console appender
 * of the root logger (directly or behind an async appender) keeps its text pattern, or gets {@link
 * #jsonEncoder}. Switching back to text restores the configured pattern.
 *
 * <p>JSON is one object per line, through logstash-logback-encoder (Jackson's streaming generator):
 *
 * <pre>{"timestamp":"2026-12-02T10:15:30.123Z","message":"GET /tasks/{id} 200 1.42 ms 187 B ...",
 * "logger":"dev.taskloop.access","thread":"vert.x-eventloop-thread-0","level":"INFO",
 * "requestId":"9f1c2a7e4b3d5f60","method":"GET","route":"/tasks/{id}","status":200,...}</pre>
 *
 * Every MDC entry is a field of its own: {@code requestId} while a request runs, {@code
 * traceId}/{@code spanId} when tracing puts them there. An exception is one {@code stack_trace}
 * string. Structured arguments (the access log's) become fields too.
 */
public final class LogSetup {
  /** The console appenders seen so far, and the text encoder each was configured with. */
  private static final Map<ConsoleAppender<ILoggingEvent>, Encoder<ILoggingEvent>> TEXT =
      new IdentityHashMap<>();

  private static final Map<ConsoleAppender<ILoggingEvent>, Encoder<ILoggingEvent>> JSON =
      new IdentityHashMap<>();

  private static volatile boolean structured;

  private LogSetup() {}

  /**
   * Whether lines are written as JSON, whose fields come from a line's structured arguments; text
   * lines only need their message (the access log builds it directly then).
   */
  public static boolean structured() {
    return structured;
  }

  /** Writes every following line in {@code format}; call before anything else logs. */
  public static synchronized void apply(LogFormat format) {
    structured = format == LogFormat.JSON;
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: its own configuration decides
    }
    for (ConsoleAppender<ILoggingEvent> console : consoles(context)) {
      TEXT.putIfAbsent(console, console.getEncoder());
      Encoder<ILoggingEvent> wanted =
          format == LogFormat.JSON
              ? JSON.computeIfAbsent(console, c -> jsonEncoder(context))
              : TEXT.get(console);
      if (console.getEncoder() != wanted) {
        console.setEncoder(wanted); // the appender reads its encoder per event
      }
    }
  }

  /**
   * Writes out what the async appender still holds, waiting at most {@code waitMillis}: for an exit
   * that skips the shutdown hooks ({@link Runtime#halt}), so that its last line is not lost. A
   * console that does not take it in time (a full pipe) does not hold the exit up.
   */
  public static void flush(long waitMillis) {
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Thread stopping = Thread.ofPlatform().name("log-flush").daemon(true).start(context::stop);
    try {
      stopping.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The JSON encoder {@code LOG_FORMAT=json} writes with, started. */
  static LogstashEncoder jsonEncoder(LoggerContext context) {
    var names = new LogstashFieldNames();
    names.setTimestamp("timestamp");
    names.setLogger("logger");
    names.setThread("thread");
    names.setVersion(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    var encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setFieldNames(names);
    encoder.setTimeZone("UTC");
    encoder.setTimestampPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
    encoder.setIncludeContext(false); // the logger context's name and properties: the same always
    encoder.start();
    return encoder;
  }

  /**
   * The root logger's console appenders, also those behind an appender that delegates to others
   * (logback.xml's async appender, Logback's own AsyncAppender): every appender attached to the
   * root logger handles its logging events, so those it delegates to do too.
   */
  private static List<ConsoleAppender<ILoggingEvent>> consoles(LoggerContext context) {
    var found = new ArrayList<ConsoleAppender<ILoggingEvent>>();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      if (appender instanceof AppenderAttachable<?> delegating) {
        delegating.iteratorForAppenders().forEachRemaining(inner -> addIfConsole(inner, found));
      } else {
        addIfConsole(appender, found);
      }
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static void addIfConsole(
      Appender<?> appender, List<ConsoleAppender<ILoggingEvent>> found) {
    if (appender instanceof ConsoleAppender<?> console) {
      found.add((ConsoleAppender<ILoggingEvent>) console); // it was attached to a logger
    }
  }
}
