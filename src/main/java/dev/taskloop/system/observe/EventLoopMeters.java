package dev.taskloop.system.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops' health: {@code taskloop_event_loop_delay_seconds{loop}}, how late a timer that
 * should fire every {@link #INTERVAL} runs on each loop (what a request waits before its loop gets
 * to it), and {@code taskloop_blocked_thread_warnings_total{thread}}, one per warning of Vert.x's
 * blocked-thread checker (which keeps writing its WARN line, unchanged).
 */
final class EventLoopMeters {
  /** How often each loop is probed: 10 tasks a second per loop, nothing on the request path. */
  static final Duration INTERVAL = Duration.ofMillis(100);

  /** Upper bounds of the delay buckets, ms. */
  private static final long[] DELAY_BUCKETS_MS = {1, 5, 10, 50, 100, 500, 1000, 5000};

  private static final Logger CHECKER_LOG =
      LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);

  private EventLoopMeters() {}

  /** Starts the probes on every event loop of {@code vertx} and counts blocked-thread warnings. */
  static void install(Vertx vertx, MeterRegistry registry) {
    var internal = (VertxInternal) vertx;
    for (EventExecutor loop : internal.eventLoopGroup()) {
      loop.execute(() -> new Probe(loop, registry).next());
    }
    internal.blockedThreadChecker().setThreadBlockedHandler(event -> blocked(event, registry));
  }

  /** One loop's timer; runs on that loop only. */
  private static final class Probe {
    private final EventExecutor loop;
    private final Timer delay;
    private long due;

    /** Built on the loop itself, which names it. */
    Probe(EventExecutor loop, MeterRegistry registry) {
      this.loop = loop;
      var buckets = new Duration[DELAY_BUCKETS_MS.length];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = Duration.ofMillis(DELAY_BUCKETS_MS[i]);
      }
      this.delay =
          Timer.builder("taskloop.event.loop.delay")
              .description("How late a periodic timer runs on the event loop")
              .tag("loop", Thread.currentThread().getName())
              .serviceLevelObjectives(buckets)
              .register(registry);
    }

    void next() {
      due = System.nanoTime() + INTERVAL.toNanos();
      try {
        loop.schedule(this::tick, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // Vert.x is closing: the probe ends with its loop
      }
    }

    private void tick() {
      delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
      next();
    }
  }

  /** Counts the warning, then logs it as Vert.x's own handler does (same logger and text). */
  private static void blocked(BlockedThreadEvent event, MeterRegistry registry) {
    Counter.builder("taskloop.blocked.thread.warnings")
        .description("Warnings of Vert.x's blocked-thread checker")
        .tag("thread", event.thread().getName())
        .register(registry)
        .increment();
    String message =
        "Thread "
            + event.thread().getName()
            + " has been blocked for "
            + (event.duration() / 1_000_000)
            + " ms, time limit is "
            + (event.maxExecTime() / 1_000_000)
            + " ms";
    if (event.duration() <= event.warningExceptionTime()) {
      CHECKER_LOG.warn(message);
    } else {
      var stackTrace = new VertxException("Thread blocked");
      stackTrace.setStackTrace(event.thread().getStackTrace());
      CHECKER_LOG.warn(message, stackTrace);
    }
  }
}
