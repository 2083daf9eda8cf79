package dev.taskloop.system.http;

import dev.taskloop.system.db.PoolSnapshot;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /admin/pool}: every database pool's size, use, waiters, oldest checkout (age, route
 * template, request id) and its acquire timeouts and leak warnings since start (see {@link
 * PoolSnapshot}). It is the seed's {@code /debug/pool}, made safe: on the API's port only
 * administrators get it (401 without a key, 403 for other users), and it shows numbers, route
 * templates and request ids, never SQL, parameters, keys or raw paths. Its {@link #handler} is an
 * admin endpoint ({@link OperatorRoutes}): on the main port for administrators, or on the
 * management port.
 */
public final class PoolRoutes {
  public static final String PATH = "/admin/pool";

  /**
   * The answer: the database kind, the leak threshold (0: leak detection is off), every pool.
   *
   * @param leakThresholdMs {@code DB_LEAK_THRESHOLD_MS}
   */
  record PoolReport(String database, long leakThresholdMs, List<PoolSnapshot> pools) {}

  private final String database;
  private final long leakThresholdMs;
  private final Supplier<List<PoolSnapshot>> pools;

  /**
   * @param database the database kind ({@code sqlite} or {@code postgresql})
   * @param pools every pool now ({@code Database::pools})
   */
  public PoolRoutes(String database, long leakThresholdMs, Supplier<List<PoolSnapshot>> pools) {
    this.database = database;
    this.leakThresholdMs = leakThresholdMs;
    this.pools = pools;
  }

  /** The endpoint without any check of the caller, for a router that is not the API's. */
  public Handler<RoutingContext> handler() {
    return this::show;
  }

  private void show(RoutingContext ctx) {
    Responses.ok(ctx, new PoolReport(database, leakThresholdMs, pools.get()));
  }
}
