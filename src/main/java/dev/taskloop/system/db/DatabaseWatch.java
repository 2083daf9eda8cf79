package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the {@link Database} sees of its own pools: a {@link PoolWatch} per pool (its checkouts, for
 * {@code /admin/pool}, the pool meters and leak detection), the statement and error meters ({@link
 * DbMeters}), and the {@link LeakWatch} timer over all of them. {@link Watched} runs the work
 * through them.
 */
final class DatabaseWatch {
  private final DbMeters meters;
  private final PoolWatch reads;
  private final PoolWatch writes;
  private final PoolWatch exports;
  private final PoolWatch health;
  private final PoolWatch report;
  private final List<PoolWatch> pools;
  private final LeakWatch leaks;
  private final LegacyJdbc legacy;

  private DatabaseWatch(
      Vertx vertx,
      AppConfig config,
      DbMeters meters,
      List<PoolWatch> all,
      AtomicInteger reportOpen) {
    this.meters = meters;
    this.reads = all.get(0);
    this.writes = all.get(1);
    this.exports = all.get(2);
    this.health = all.get(3);
    this.report = all.get(4);
    // one pool serves reads and writes on SQLite (and with DB_POOL_SIZE=1): listed once
    this.pools = all.stream().distinct().toList();
    pools.forEach(meters::pool);
    this.leaks = new LeakWatch(vertx, config.poolGuards().leakThreshold().toMillis(), pools);
    this.legacy = new LegacyJdbc(config, report, reportOpen);
  }

  /**
   * Watches the pools of {@code clients}, and the report's connections ({@link #legacy}); the
   * meters go to {@code registry}. Pool names: see {@link PoolSnapshot#pool}.
   */
  static DatabaseWatch open(
      Vertx vertx, AppConfig config, MeterRegistry registry, DatabaseClients clients) {
    var reportOpen = new AtomicInteger();
    var meters = new DbMeters(registry);
    boolean shared = clients.reads() == clients.writes();
    int readSize = shared ? 0 : PostgresPools.readSize(config.poolSize());
    PoolWatch writes =
        meters.watch(
            shared ? "main" : "writes", config.poolSize() - readSize, 1, clients.writes()::size);
    PoolWatch reads =
        shared
            ? writes
            : meters.watch(
                "reads", readSize, config.pipeliningLimit(), ((Pool) clients.reads())::size);
    var all =
        List.of(
            reads,
            writes,
            meters.watch("exports", config.exportPoolSize(), 1, clients.streams()::open),
            meters.watch("health", 1, 1, clients.health()::size),
            meters.watch("report", config.reportWorkers(), 1, reportOpen::get));
    return new DatabaseWatch(vertx, config, meters, all, reportOpen);
  }

  /** The legacy report's plain JDBC, whose connections are the {@code report} pool. */
  LegacyJdbc legacy() {
    return legacy;
  }

  DbMeters meters() {
    return meters;
  }

  PoolWatch reads() {
    return reads;
  }

  PoolWatch writes() {
    return writes;
  }

  PoolWatch exports() {
    return exports;
  }

  PoolWatch health() {
    return health;
  }

  PoolWatch report() {
    return report;
  }

  /** Every pool now, for {@code /admin/pool}. */
  List<PoolSnapshot> snapshot() {
    return pools.stream().map(PoolWatch::snapshot).toList();
  }

  /** Stops looking for leaks. */
  void close() {
    leaks.close();
  }
}
