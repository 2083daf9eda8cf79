package dev.taskloop.system.config;

import java.time.Duration;
import java.util.Map;

/**
 * The service's whole configuration, read once from environment variables at startup and frozen.
 * {@link #fromEnv} validates every value before anything starts; an empty variable counts as unset.
 *
 * @param host interface to listen on ({@code HOST}, default 127.0.0.1)
 * @param port TCP port ({@code PORT}, default 8000; 0 picks a free port)
 * @param database where the data lives ({@code DATABASE_URL}, default sqlite:./data/taskloop.db)
 * @param poolSize database connections in total ({@code DB_POOL_SIZE}, default 10)
 * @param exportPoolSize connections for streaming exports, apart from {@code poolSize}, so that
 *     clients that read an export slowly cannot starve other requests ({@code DB_EXPORT_POOL_SIZE},
 *     default 2)
 * @param acquireTimeout longest wait for a pooled connection before the request fails with 503
 *     ({@code DB_POOL_ACQUIRE_TIMEOUT_MS}, default 3000)
 * @param connectTimeout PostgreSQL: longest TCP connect and TLS handshake of a new connection
 *     ({@code DB_CONNECT_TIMEOUT_MS}, default 3000)
 * @param lockTimeout longest wait of a statement for a lock held by another transaction before it
 *     fails with 503 ({@code DB_LOCK_TIMEOUT_MS}, default 1000; PostgreSQL {@code lock_timeout},
 *     SQLite busy timeout; 0 waits up to the statement timeout)
 * @param pipeliningLimit PostgreSQL only: statements in flight per read connection ({@code
 *     DB_PIPELINING_LIMIT}, default 256)
 * @param statementTimeout server-side limit for one statement, zero for none ({@code
 *     DB_STATEMENT_TIMEOUT_MS}, default 10000)
 * @param logLevel root log level ({@code LOG_LEVEL}: TRACE, DEBUG, INFO, WARN, ERROR; default INFO)
 * @param sqlEcho log every SQL statement with its duration ({@code SQL_ECHO}, default false)
 * @param shutdownDelay after SIGTERM, how long readiness reports 503 while the listener still
 *     accepts, so load balancers stop routing before connections are refused ({@code
 *     SHUTDOWN_DELAY_S}, default 0)
 * @param shutdownGrace how long in-flight requests may take once the listener stops ({@code
 *     SHUTDOWN_GRACE_S}, default 20)
 * @param http how long the HTTP server waits for slow clients (see {@link Http})
 * @param idempotencyTtl how long the answer to a create with an {@code Idempotency-Key} is kept for
 *     its retries ({@code IDEMPOTENCY_TTL_S}, default 86400: 24 hours)
 * @param web CORS and response compression (see {@link Web})
 * @param auth accounts and API keys (see {@link Auth})
 * @param reportWorkers threads that compute the blocking summary report ({@code REPORT_WORKERS},
 *     default 2)
 * @param reportQueue reports waiting for a worker before more get 503 ({@code REPORT_QUEUE},
 *     default 8)
 * @param reportLatency extra delay of each report, to rehearse a slow legacy system ({@code
 *     REPORT_SIMULATED_LATENCY_MS}, default 0)
 * @param observability metrics, logs and tracing (see {@link Observability})
 * @param poolGuards leak detection, wait bounds and connection lifetimes (see {@link PoolGuards})
 * @param scaleOut proxies, PgBouncer and the listener of N instances (see {@link ScaleOut})
 */
public record AppConfig(
    String host,
    int port,
    DatabaseUrl database,
    int poolSize,
    int exportPoolSize,
    Duration acquireTimeout,
    Duration connectTimeout,
    Duration lockTimeout,
    int pipeliningLimit,
    Duration statementTimeout,
    String logLevel,
    boolean sqlEcho,
    Duration shutdownDelay,
    Duration shutdownGrace,
    Http http,
    Duration idempotencyTtl,
    Web web,
    Auth auth,
    int reportWorkers,
    int reportQueue,
    Duration reportLatency,
    Observability observability,
    PoolGuards poolGuards,
    ScaleOut scaleOut) {

  public static final String DEFAULT_DATABASE_URL = "sqlite:./data/taskloop.db";

  /** Builds and validates the configuration; throws {@link Invalid} on the first bad value. */
  public static AppConfig fromEnv(Map<String, String> env) {
    var vars = new EnvVars(env);
    var database = DatabaseUrl.parse(vars.text("DATABASE_URL", DEFAULT_DATABASE_URL));
    return new AppConfig(
        vars.host("HOST", "127.0.0.1"),
        vars.integer("PORT", 8000, 0, 65535),
        database,
        vars.integer("DB_POOL_SIZE", 10, 1, 500),
        vars.integer("DB_EXPORT_POOL_SIZE", 2, 1, 100),
        Duration.ofMillis(vars.integer("DB_POOL_ACQUIRE_TIMEOUT_MS", 3000, 1, 600_000)),
        Duration.ofMillis(vars.integer("DB_CONNECT_TIMEOUT_MS", 3000, 100, 600_000)),
        Duration.ofMillis(vars.integer("DB_LOCK_TIMEOUT_MS", 1000, 0, 86_400_000)),
        vars.integer("DB_PIPELINING_LIMIT", 256, 1, 4096),
        Duration.ofMillis(vars.integer("DB_STATEMENT_TIMEOUT_MS", 10_000, 0, 86_400_000)),
        vars.logLevel("LOG_LEVEL", "INFO"),
        vars.bool("SQL_ECHO", false),
        Duration.ofSeconds(vars.integer("SHUTDOWN_DELAY_S", 0, 0, 300)),
        Duration.ofSeconds(vars.integer("SHUTDOWN_GRACE_S", 20, 0, 3600)),
        ConfigSections.http(vars),
        Duration.ofSeconds(vars.integer("IDEMPOTENCY_TTL_S", 86_400, 1, 30 * 86_400)),
        Web.read(vars),
        ConfigSections.auth(vars),
        vars.integer("REPORT_WORKERS", 2, 1, 64),
        vars.integer("REPORT_QUEUE", 8, 0, 10_000),
        Duration.ofMillis(vars.integer("REPORT_SIMULATED_LATENCY_MS", 0, 0, 600_000)),
        ConfigSections.observability(vars),
        ConfigSections.poolGuards(vars),
        ScaleOut.read(vars, database));
  }

  /**
   * The longest a statement waits for a lock, in milliseconds: the lock timeout, or when that is 0
   * the statement timeout; 0 when neither bounds it. The one rule for SQLite's busy timeout (which
   * has no "up to the statement") and for client-side deadlines.
   */
  public long lockWaitMillis() {
    long lock = lockTimeout.toMillis();
    return lock > 0 ? lock : statementTimeout.toMillis();
  }

  /**
   * How long the HTTP server waits for its clients, part of the configuration. Slow or stalled
   * clients cannot hold connections beyond these bounds.
   *
   * @param headerTimeout a connection must deliver a complete request head (request line and
   *     headers) within this time of opening, or of its previous response plus {@code idleTimeout};
   *     else it is closed ({@code HTTP_HEADER_TIMEOUT_MS}, default 10000)
   * @param bodyTimeout a request body must arrive completely within this time of its head; else the
   *     answer is 408 and the connection is closed ({@code HTTP_BODY_TIMEOUT_MS}, default 30000).
   *     With the 64 KiB body limit, that is a minimum rate of about 2 KiB/s
   * @param idleTimeout a connection with no traffic for this long is closed, also while its request
   *     is being answered ({@code HTTP_IDLE_TIMEOUT_S}, default 60; keep it above the statement
   *     timeout and above a load balancer's own idle timeout)
   */
  public record Http(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {}

  /**
   * Accounts and API keys, part of the configuration.
   *
   * @param signupEnabled public {@code POST /users} ({@code SIGNUP_ENABLED}, default true)
   * @param adminEmail with {@code adminPassword}: the admin created (idempotently) at startup
   *     ({@code ADMIN_EMAIL}); null for none
   * @param adminPassword {@code ADMIN_PASSWORD}; never logged (see {@link Secret})
   * @param hashMemoryKib Argon2id memory per hash, KiB ({@code PASSWORD_HASH_MEMORY_KIB}, default
   *     19456, OWASP's minimum)
   * @param hashIterations Argon2id passes ({@code PASSWORD_HASH_ITERATIONS}, default 2)
   * @param hashParallelism Argon2id lanes ({@code PASSWORD_HASH_PARALLELISM}, default 1)
   * @param hashWorkers threads that hash passwords, off the event loops ({@code
   *     PASSWORD_HASH_WORKERS}, default 2)
   * @param loginMaxFailures failed password checks per email (or signed-in user) within {@code
   *     loginWindow} before 429 ({@code LOGIN_MAX_FAILURES}, default 5)
   * @param loginMaxFailuresPerAddress failed password checks per client address within {@code
   *     loginWindow}, any email ({@code LOGIN_MAX_FAILURES_PER_ADDRESS}, default 100)
   * @param loginWindow {@code LOGIN_WINDOW_S}, default 900 (15 minutes)
   * @param keyCacheTtl how long a verified API key is trusted without asking the database ({@code
   *     AUTH_CACHE_TTL_S}, default 5): on PostgreSQL revocation reaches every instance at once
   *     (NOTIFY), and this is the backstop should a notification be lost
   */
  public record Auth(
      boolean signupEnabled,
      String adminEmail,
      Secret adminPassword,
      int hashMemoryKib,
      int hashIterations,
      int hashParallelism,
      int hashWorkers,
      int loginMaxFailures,
      int loginMaxFailuresPerAddress,
      Duration loginWindow,
      Duration keyCacheTtl) {

    /** Password length in characters, for every password: the API's and {@code ADMIN_PASSWORD}. */
    public static final int PASSWORD_MIN = 8, PASSWORD_MAX = 128;
  }

  /**
   * What the service shows of itself, part of the configuration.
   *
   * @param metrics the Prometheus endpoint {@code GET /metrics} and every meter behind it ({@code
   *     METRICS_ENABLED}, default true); off, no meter is recorded at all
   * @param managementPort a second listener for {@code /metrics} and {@code /admin/*} ({@code
   *     MANAGEMENT_PORT}; -1, the default, serves them on the main port; 0 picks a free port). The
   *     probes answer on both
   * @param accessLog one INFO line per request ({@code ACCESS_LOG}, default true)
   * @param logFormat {@code LOG_FORMAT}: {@code text} (the default, for a terminal) or {@code json}
   *     (one object per line, for a log pipeline)
   * @param otel the {@code OTEL_*} variables, for the OpenTelemetry SDK
   * @param tracing on when an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code
   *     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) and {@code OTEL_SDK_DISABLED} is not true: by default
   *     no tracer exists and nothing dials out
   */
  public record Observability(
      boolean metrics,
      int managementPort,
      boolean accessLog,
      LogFormat logFormat,
      Map<String, String> otel,
      boolean tracing) {

    /** How log lines are written. */
    public enum LogFormat {
      TEXT,
      JSON
    }
  }

  /** A value that a log line or {@code toString} never shows. */
  public record Secret(String value) {
    @Override
    public String toString() {
      return "<hidden>";
    }
  }

  /**
   * A configuration value that cannot be used. The message is one line meant for an operator: the
   * variable, the offending value (secrets masked) and what is accepted. It never carries a stack
   * trace to the console.
   */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }

    static Invalid value(String variable, String shownValue, String accepted) {
      String quoted = "\"" + shownValue.replace("\"", "\\\"") + "\"";
      return new Invalid(variable + "=" + quoted + " is invalid: " + accepted);
    }
  }
}
