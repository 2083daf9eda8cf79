package dev.taskloop.system.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The database's own meters (names as Prometheus shows them; see {@code
 * docs/database-observability.md}):
 *
 * <ul>
 *   <li>{@code taskloop_db_statement_seconds{statement}}: every statement's duration, by the
 *       repository method that runs it ({@code TaskRepository.find});
 *   <li>{@code taskloop_db_errors_total{kind,reason}}: failed database work by the answer it
 *       becomes ({@code 409}, {@code 503}, {@code other}) and why;
 *   <li>{@code taskloop_db_pool_*{pool}}: per pool, what {@link PoolSnapshot} shows, and {@code
 *       taskloop_db_pool_acquire_seconds}.
 * </ul>
 *
 * <p>A statement's name is found once per SQL text, when the text is first run: the first frame of
 * the calling stack outside this package (a {@link StackWalker} walk, some microseconds, once).
 * Every later run of the same text is one map lookup, the same lookup the template cache already
 * does. A text shared by two methods (a repository's {@code FIND} used inside an update too) is one
 * statement, named after the method that ran it first; dynamic SQL (filters, keyset pages) gives
 * several texts and one name. Naming every call explicitly would have meant a second argument on
 * every one of the repositories' calls for the same result.
 */
final class DbMeters {
  /** Buckets for a service whose statements take 0.1 to 50 ms, with room for the slow ones. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1).dividedBy(2),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private static final StackWalker WALKER = StackWalker.getInstance();
  private static final String PACKAGE = DbMeters.class.getPackageName() + ".";

  /** A statement's name ({@code checkout}: as leak warnings call it) and its timer. */
  record Statement(String name, String checkout, Timer timer) {}

  private final MeterRegistry registry;
  private final Map<String, Statement> statements = new ConcurrentHashMap<>();
  private final Map<Object, Counter> errors = new HashMap<>(); // filled once, then read only

  DbMeters(MeterRegistry registry) {
    this.registry = registry;
    for (var kind : DatabaseException.Constraint.Kind.values()) {
      errors.put(kind, errorCounter("409", kind.name()));
    }
    for (var reason : DatabaseException.Unavailable.Reason.values()) {
      errors.put(reason, errorCounter("503", reason.name()));
    }
    errors.put(Void.class, errorCounter("other", "unclassified"));
  }

  /** The statement that runs {@code sql}, named after its caller the first time. */
  Statement statement(String sql) {
    Statement known = statements.get(sql);
    return known != null ? known : statements.computeIfAbsent(sql, text -> named(caller()));
  }

  /** A statement with a fixed name (the service's own, such as pings). */
  Statement named(String name) {
    Timer timer =
        Timer.builder("taskloop.db.statement")
            .description("Database statements, by the repository method that runs them")
            .tag("statement", name)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    return new Statement(name, "statement " + name, timer);
  }

  /** Counts a failure as what it was translated into: a constraint, unavailable, or other. */
  void failed(Throwable translated) {
    Object key =
        switch (translated) {
          case DatabaseException.Constraint c -> c.kind();
          case DatabaseException.Unavailable u -> u.reason();
          default -> Void.class;
        };
    errors.get(key).increment();
  }

  /** Registers the meters of {@code pool}, read from it at each scrape. */
  void pool(PoolWatch pool) {
    gauge(
        "taskloop.db.pool.max", "Connections the pool may open", pool, p -> p.snapshot().maxSize());
    gauge("taskloop.db.pool.size", "Connections open", pool, p -> p.snapshot().size());
    gauge(
        "taskloop.db.pool.in.use",
        "Checkouts that have a connection",
        pool,
        p -> p.snapshot().inUse());
    gauge(
        "taskloop.db.pool.waiting",
        "Checkouts waiting for a connection",
        pool,
        p -> p.snapshot().waiting());
    if (!pool.pipelined()) {
      gauge(
          "taskloop.db.pool.idle", "Open connections nobody uses", pool, p -> p.snapshot().idle());
    }
    gauge(
        "taskloop.db.pool.oldest.checkout.seconds",
        "Age of the oldest checkout (0 when none)",
        pool,
        p -> {
          Long millis = p.snapshot().oldestCheckoutMs();
          return millis == null ? 0 : millis / 1000.0;
        });
    FunctionCounter.builder("taskloop.db.pool.acquire.timeouts", pool, PoolWatch::acquireTimeouts)
        .description("Checkouts that got no connection within DB_POOL_ACQUIRE_TIMEOUT_MS")
        .tag("pool", pool.name())
        .register(registry);
    FunctionCounter.builder("taskloop.db.pool.leak.warnings", pool, PoolWatch::leakWarnings)
        .description("Checkouts held longer than DB_LEAK_THRESHOLD_MS")
        .tag("pool", pool.name())
        .register(registry);
  }

  /**
   * A watch over the pool {@code name} (see {@link PoolWatch}), with its acquire timer: how long
   * transactions, export streams and report connections waited for their connection, {@code
   * taskloop_db_pool_acquire_seconds} (single statements on a Vert.x pool: Vert.x's own {@code
   * vertx_pool_queue_time_seconds}).
   */
  PoolWatch watch(String name, int maxSize, int perConnection, IntSupplier open) {
    Timer acquire =
        Timer.builder("taskloop.db.pool.acquire")
            .description("Time from asking for a connection to having it (transactions, streams)")
            .tag("pool", name)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    return new PoolWatch(name, maxSize, perConnection, open, acquire);
  }

  private void gauge(
      String name, String description, PoolWatch pool, ToDoubleFunction<PoolWatch> value) {
    Gauge.builder(name, pool, value)
        .description(description)
        .tag("pool", pool.name())
        .register(registry);
  }

  private Counter errorCounter(String kind, String reason) {
    return Counter.builder("taskloop.db.errors")
        .description("Failed database work, by the answer it becomes (409, 503, other)")
        .tag("kind", kind)
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry);
  }

  /** {@code Class.method} of the first frame outside this package, for a statement's name. */
  private static String caller() {
    return WALKER.walk(
        frames ->
            frames
                .filter(f -> !f.getClassName().startsWith(PACKAGE))
                .filter(f -> !f.getClassName().startsWith("java."))
                .findFirst()
                .map(DbMeters::name)
                .orElse("unknown"));
  }

  private static String name(StackWalker.StackFrame frame) {
    String type = frame.getClassName();
    type = type.substring(type.lastIndexOf('.') + 1);
    int nested = type.indexOf('$');
    if (nested > 0) {
      type = type.substring(0, nested);
    }
    String method = frame.getMethodName();
    if (method.startsWith("lambda$")) { // lambda$find$3: the method the lambda is written in
      int end = method.indexOf('$', "lambda$".length());
      method = method.substring("lambda$".length(), end > 0 ? end : method.length());
    }
    return type + "." + method;
  }
}
