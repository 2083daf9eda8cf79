package dev.taskloop.reports;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.LegacyJdbc;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.observe.RequestContext;
import dev.taskloop.system.observe.Telemetry.WorkMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the blocking {@link LegacyReports} on a fixed pool of {@code REPORT_WORKERS} threads with a
 * queue of {@code REPORT_QUEUE}: when both are full, a request gets 503 with {@code Retry-After} at
 * once instead of waiting. Results come back on the caller's event loop. Meters: {@link WorkMeters}
 * as {@code pool="reports"}.
 */
final class ReportPool {
  private final Vertx vertx;
  private final LegacyReports reports;
  private final ThreadPoolExecutor executor;
  private final WorkMeters meters;

  ReportPool(Vertx vertx, AppConfig config, MeterRegistry registry, LegacyJdbc jdbc) {
    this.vertx = vertx;
    this.reports = new LegacyReports(config, jdbc);
    var threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            config.reportWorkers(),
            config.reportWorkers(),
            0,
            TimeUnit.MILLISECONDS,
            config.reportQueue() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(config.reportQueue()),
            task ->
                Thread.ofPlatform()
                    .daemon()
                    .name("report-" + threads.incrementAndGet())
                    .unstarted(task),
            new ThreadPoolExecutor.AbortPolicy());
    this.meters =
        WorkMeters.register(
            registry, "reports", executor::getActiveCount, () -> executor.getQueue().size());
  }

  Future<SummaryReport> summary(UUID owner) {
    var context = vertx.getOrCreateContext();
    Promise<SummaryReport> promise = Promise.promise();
    RequestContext request = RequestContext.current(); // the report thread has no Vert.x context
    try {
      executor.execute(
          () -> {
            try {
              SummaryReport report = reports.summary(owner, request);
              context.runOnContext(done -> promise.complete(report));
            } catch (Exception e) { // a database fault is a 503 here too, like everywhere
              Throwable failure = LegacyJdbc.translate(e);
              context.runOnContext(done -> promise.fail(failure));
            }
          });
    } catch (RejectedExecutionException e) {
      meters.rejected();
      return Future.failedFuture(
          ApiException.retryLater(
              ProblemType.SERVICE_UNAVAILABLE, "All report workers are busy; retry later.", 5));
    }
    return promise.future();
  }

  /**
   * Takes no more reports and waits up to {@code timeoutMillis} for the queued and running ones;
   * past that, interrupts them and throws {@link TimeoutException}.
   */
  void close(long timeoutMillis) throws InterruptedException, TimeoutException {
    executor.shutdown();
    if (!executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
      executor.shutdownNow();
      throw new TimeoutException("reports still running after " + timeoutMillis + " ms");
    }
  }
}
