package dev.taskloop.system.db;

import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;

/**
 * One statement waiting for {@link SqliteEngine}'s threads; {@code promise} completes on the
 * caller's Vert.x context.
 */
record SqliteJob(String sql, List<Object> values, Promise<RowSet<Row>> promise, long enqueued) {
  /**
   * Whether it waited longer than {@code acquireNanos} for a thread (the pool's acquire timeout).
   */
  boolean waitedPast(long acquireNanos) {
    return System.nanoTime() - enqueued > acquireNanos;
  }

  void fail(Throwable error) {
    promise.tryFail(error);
  }
}
