package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the {@link Database} sees of its own pools: a {@link PoolWatch} per pool (its checkouts, for
 * {@code /admin/pool}, the pool meters and leak detection), the statement and error meters ({@link
 * DbMeters}), and the {@link LeakWatch} timer over all of them. {@link Watched} runs the work
 * through them.
 */
final class DatabaseWatch {
  /** The pools the statements' kinds of work run on; one pool may serve several. */
  private record Work(PoolWatch reads, PoolWatch writes, PoolWatch scans, PoolWatch transactions) {
    List<PoolWatch> all() {
      return List.of(reads, writes, scans, transactions);
    }
  }

  private final DbMeters meters;
  private final Work work;
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
      Work work,
      List<PoolWatch> others,
      AtomicInteger reportOpen) {
    this.meters = meters;
    this.work = work;
    this.exports = others.get(0);
    this.health = others.get(1);
    this.report = others.get(2);
    var all = new ArrayList<>(work.all());
    all.addAll(List.of(exports, health, report));
    // one pool can serve several kinds of work (PostgreSQL's plain pool): listed once
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
    Work work =
        clients.engines().isEmpty()
            ? postgres(config, meters, clients)
            : sqlite(config, meters, clients);
    var others =
        List.of(
            meters.watch("exports", config.exportPoolSize(), 1, clients.streams()::open),
            meters.watch("health", 1, 1, clients.health()::size),
            meters.watch("report", config.reportWorkers(), 1, reportOpen::get));
    return new DatabaseWatch(vertx, config, meters, work, others, reportOpen);
  }

  /**
   * reads, writes, scans, transactions on PostgreSQL: the pipelined client and the plain pool (one
   * plain pool, {@code main}, with {@code DB_POOL_SIZE=1}); scans and transactions use the latter.
   */
  private static Work postgres(AppConfig config, DbMeters meters, DatabaseClients clients) {
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
    return new Work(reads, writes, writes, writes);
  }

  /**
   * reads, writes, scans, transactions on SQLite: the reader threads (scans too), the writer
   * thread, and the JDBC pool that runs transactions.
   */
  private static Work sqlite(AppConfig config, DbMeters meters, DatabaseClients clients) {
    SqliteEngine readers = clients.engines().get(0), writer = clients.engines().get(1);
    PoolWatch reads = meters.watch("reads", readers.threads(), 1, readers::size);
    PoolWatch writes = meters.watch("writes", writer.threads(), 1, writer::size);
    PoolWatch transactions =
        meters.watch("transactions", config.poolSize(), 1, clients.writes()::size);
    return new Work(reads, writes, reads, transactions);
  }

  /** The legacy report's plain JDBC, whose connections are the {@code report} pool. */
  LegacyJdbc legacy() {
    return legacy;
  }

  DbMeters meters() {
    return meters;
  }

  PoolWatch reads() {
    return work.reads();
  }

  PoolWatch writes() {
    return work.writes();
  }

  /** Where long reads run: the plain pool on PostgreSQL, the readers on SQLite. */
  PoolWatch scans() {
    return work.scans();
  }

  /** Where transactions run: the plain pool on PostgreSQL, the JDBC pool on SQLite. */
  PoolWatch transactions() {
    return work.transactions();
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
