package dev.taskloop.tasks;

import dev.taskloop.system.db.DatabaseException;
import dev.taskloop.system.observe.Telemetry.WorkMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The exports' meters: {@link WorkMeters} as {@code pool="exports"} (streaming now; waiting for one
 * of the {@code DB_EXPORT_POOL_SIZE} connections; refused with 503 because none became free in
 * time), and {@code taskloop_export_rows_total{format="ndjson"|"csv"}}, rows written.
 */
final class ExportMeters {
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger streaming = new AtomicInteger();
  private final WorkMeters work;
  private final Counter ndjsonRows;
  private final Counter csvRows;

  ExportMeters(MeterRegistry registry) {
    this.work = WorkMeters.register(registry, "exports", streaming::get, waiting::get);
    this.ndjsonRows = rows(registry, "ndjson");
    this.csvRows = rows(registry, "csv");
  }

  /** The counter of rows written in {@code format}. */
  Counter rows(TaskExport.Format format) {
    return format == TaskExport.Format.CSV ? csvRows : ndjsonRows;
  }

  /** One export begins: it waits for a connection until {@link Export#streaming}. */
  Export begin() {
    waiting.incrementAndGet();
    return new Export();
  }

  /** One export's way through the gauges; event loop only. */
  final class Export {
    private boolean streamed;

    private Export() {}

    /** Its rows began to stream: {@code piped} is the stream's end. */
    Future<Void> streaming(Future<Void> piped) {
      streamed = true;
      waiting.decrementAndGet();
      streaming.incrementAndGet();
      return piped;
    }

    /** It is over ({@code done}: the export's outcome, after its connection was released). */
    void ended(AsyncResult<Void> done) {
      if (streamed) {
        streaming.decrementAndGet();
        return;
      }
      waiting.decrementAndGet();
      if (done.failed()
          && done.cause() instanceof DatabaseException.Unavailable unavailable
          && (unavailable.reason() == DatabaseException.Unavailable.Reason.POOL_EXHAUSTED
              || unavailable.reason() == DatabaseException.Unavailable.Reason.POOL_QUEUE_FULL)) {
        work.rejected();
      }
    }
  }

  private static Counter rows(MeterRegistry registry, String format) {
    return Counter.builder("taskloop.export.rows")
        .description("Task rows written by exports")
        .tag("format", format)
        .register(registry);
  }
}
