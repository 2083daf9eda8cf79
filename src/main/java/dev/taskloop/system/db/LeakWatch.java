package dev.taskloop.system.db;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds connections held too long: a periodic Vert.x timer looks at every pool's checkouts and
 * warns, once per checkout, about each one older than {@code DB_LEAK_THRESHOLD_MS}, with its
 * request id, route and age, and counts it as a leak warning; when that checkout is finally
 * returned, one INFO line says after how long. A slow statement or a long export comes back (an
 * INFO line follows its WARN); a leak never does (its age keeps growing in {@code /admin/pool}).
 *
 * <p>The timer runs every quarter of the threshold (at least every 25 ms, at most every second), so
 * a checkout is warned about at most that much after it crossed the threshold. Its lines are
 * written on the request's own context, so they carry its request id in the MDC as well.
 */
final class LeakWatch {
  private static final Logger LOG = LoggerFactory.getLogger(LeakWatch.class);

  private final Vertx vertx;
  private final long thresholdMillis;
  private final List<PoolWatch> pools;
  private final long timer;

  /** Starts the timer over {@code pools}; {@code thresholdMillis} 0 starts nothing. */
  LeakWatch(Vertx vertx, long thresholdMillis, List<PoolWatch> pools) {
    this.vertx = vertx;
    this.thresholdMillis = thresholdMillis;
    this.pools = List.copyOf(pools);
    long period = Math.clamp(thresholdMillis / 4, 25, 1000);
    this.timer = thresholdMillis == 0 ? -1 : vertx.setPeriodic(period, id -> scan());
  }

  /** Stops the timer. */
  void close() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  private void scan() {
    long now = System.nanoTime();
    long threshold = TimeUnit.MILLISECONDS.toNanos(thresholdMillis);
    for (PoolWatch pool : pools) {
      for (PoolWatch.Checkout checkout : pool.live()) {
        long age = checkout.ageMillis(now);
        if (TimeUnit.MILLISECONDS.toNanos(age) >= threshold && checkout.warn()) {
          warn(checkout, age);
        }
      }
    }
  }

  private void warn(PoolWatch.Checkout checkout, long ageMillis) {
    Runnable line =
        () ->
            LOG.warn(
                "{} on pool {} held for {} ms, longer than DB_LEAK_THRESHOLD_MS={}: request {}"
                    + " route {}; not returned yet",
                checkout.what(),
                checkout.pool().name(),
                ageMillis,
                thresholdMillis,
                checkout.requestId(),
                checkout.route());
    written(checkout.context(), line);
  }

  /** The INFO line of a warned checkout that came back (on the thread that returns it). */
  static void returned(PoolWatch.Checkout checkout, long nowNanos) {
    LOG.info(
        "{} on pool {} returned after {} ms: request {} route {}",
        checkout.what(),
        checkout.pool().name(),
        checkout.ageMillis(nowNanos),
        checkout.requestId(),
        checkout.route());
  }

  private static void written(Context context, Runnable line) {
    if (context == null) {
      line.run();
    } else {
      context.runOnContext(v -> line.run());
    }
  }
}
