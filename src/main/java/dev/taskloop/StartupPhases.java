package dev.taskloop;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each phase of one startup took, logged as one DEBUG line on the logger {@value #LOGGER}
 * once the service listens: {@code startup phases: jvm=210 ms config=12 ms migrate=180 ms pools=95
 * ms features=140 ms listen=60 ms total=697 ms}. {@code jvm} is the time from the process's start
 * to {@link #begin()} (class loading before {@code main}), {@code total} the time from the
 * process's start to the last mark. Used by one thread (main), not thread-safe.
 */
final class StartupPhases {
  /** The logger of the phase line, documented in the README's operating guide. */
  static final String LOGGER = "dev.taskloop.startup";

  private final long beganNanos;
  private final long jvmMillis;
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private long lastNanos;

  private StartupPhases(long beganNanos, long jvmMillis) {
    this.beganNanos = beganNanos;
    this.lastNanos = beganNanos;
    this.jvmMillis = jvmMillis;
  }

  /** Starts timing now; the time before it since the process started becomes {@code jvm}. */
  static StartupPhases begin() {
    long now = System.nanoTime();
    long jvm =
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(start -> Math.max(0, Duration.between(start, Instant.now()).toMillis()))
            .orElse(-1L);
    return new StartupPhases(now, jvm);
  }

  /** Ends the phase {@code name}: the time since the previous mark (or {@link #begin()}). */
  void mark(String name) {
    long now = System.nanoTime();
    millis.merge(name, TimeUnit.NANOSECONDS.toMillis(now - lastNanos), Long::sum);
    lastNanos = now;
  }

  /** Logs the phases so far as one DEBUG line. */
  void log() {
    Logger log =
        LoggerFactory.getLogger(LOGGER); // not in begin(): logging's setup is no "jvm" time
    if (!log.isDebugEnabled()) {
      return;
    }
    var line = new StringBuilder("startup phases:");
    if (jvmMillis >= 0) {
      line.append(" jvm=").append(jvmMillis).append(" ms");
    }
    millis.forEach(
        (name, ms) -> line.append(' ').append(name).append('=').append(ms).append(" ms"));
    long total =
        (jvmMillis >= 0 ? jvmMillis : 0) + TimeUnit.NANOSECONDS.toMillis(lastNanos - beganNanos);
    line.append(" total=").append(total).append(" ms");
    log.debug("{}", line);
  }
}
