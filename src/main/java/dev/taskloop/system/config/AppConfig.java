package dev.taskloop.system.config;

import dev.taskloop.system.text.Emails;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

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
 * @param http how long the HTTP server waits for slow clients (see {@link HttpConfig})
 * @param auth accounts and API keys (see {@link AuthConfig})
 * @param reportWorkers threads that compute the blocking summary report ({@code REPORT_WORKERS},
 *     default 2)
 * @param reportQueue reports waiting for a worker before more get 503 ({@code REPORT_QUEUE},
 *     default 8)
 * @param reportLatency extra delay of each report, to rehearse a slow legacy system ({@code
 *     REPORT_SIMULATED_LATENCY_MS}, default 0)
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
    HttpConfig http,
    AuthConfig auth,
    int reportWorkers,
    int reportQueue,
    Duration reportLatency) {

  public static final String DEFAULT_DATABASE_URL = "sqlite:./data/taskloop.db";
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /**
   * Builds and validates the configuration; throws {@link ConfigException} on the first bad value.
   */
  public static AppConfig fromEnv(Map<String, String> env) {
    var vars = new Vars(env);
    return new AppConfig(
        vars.host("HOST", "127.0.0.1"),
        vars.integer("PORT", 8000, 0, 65535),
        DatabaseUrl.parse(vars.text("DATABASE_URL", DEFAULT_DATABASE_URL)),
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
        new HttpConfig(
            Duration.ofMillis(vars.integer("HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 3_600_000)),
            Duration.ofMillis(vars.integer("HTTP_BODY_TIMEOUT_MS", 30_000, 100, 3_600_000)),
            Duration.ofSeconds(vars.integer("HTTP_IDLE_TIMEOUT_S", 60, 1, 86_400))),
        authConfig(vars),
        vars.integer("REPORT_WORKERS", 2, 1, 64),
        vars.integer("REPORT_QUEUE", 8, 0, 10_000),
        Duration.ofMillis(vars.integer("REPORT_SIMULATED_LATENCY_MS", 0, 0, 600_000)));
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

  private static AuthConfig authConfig(Vars vars) {
    String rawEmail = vars.text("ADMIN_EMAIL", null);
    String adminPassword = vars.text("ADMIN_PASSWORD", null);
    if ((rawEmail == null) != (adminPassword == null)) {
      throw new ConfigException(
          (rawEmail == null ? "ADMIN_PASSWORD" : "ADMIN_EMAIL")
              + " is set without "
              + (rawEmail == null ? "ADMIN_EMAIL" : "ADMIN_PASSWORD")
              + ": set both to create the admin at startup, or neither");
    }
    Emails.Checked email = rawEmail == null ? null : Emails.check(rawEmail);
    if (email != null && email.problem() != null) { // the API's rule and wording
      throw ConfigException.invalid("ADMIN_EMAIL", email.canonical(), email.problem());
    }
    String adminEmail = email == null ? null : email.canonical();
    if (adminPassword != null
        && (adminPassword.codePointCount(0, adminPassword.length()) < 8
            || adminPassword.codePointCount(0, adminPassword.length()) > 128)) {
      throw new ConfigException("ADMIN_PASSWORD is invalid: expected 8 to 128 characters");
    }
    return new AuthConfig(
        vars.bool("SIGNUP_ENABLED", true),
        adminEmail,
        adminPassword,
        vars.integer("PASSWORD_HASH_MEMORY_KIB", AuthConfig.DEFAULT_HASH_MEMORY_KIB, 64, 4_194_304),
        vars.integer("PASSWORD_HASH_ITERATIONS", AuthConfig.DEFAULT_HASH_ITERATIONS, 1, 100),
        vars.integer("PASSWORD_HASH_PARALLELISM", AuthConfig.DEFAULT_HASH_PARALLELISM, 1, 64),
        vars.integer("PASSWORD_HASH_WORKERS", 2, 1, 64),
        vars.integer("LOGIN_MAX_FAILURES", 5, 1, 1000),
        Duration.ofSeconds(vars.integer("LOGIN_WINDOW_S", 900, 1, 86_400)),
        Duration.ofSeconds(vars.integer("AUTH_CACHE_TTL_S", 5, 0, 60)));
  }

  /** Typed reads of environment variables; each failure names the variable and what it accepts. */
  private record Vars(Map<String, String> env) {
    String text(String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value.strip();
    }

    int integer(String name, int fallback, int min, int max) {
      String value = text(name, null);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the accepted range
      }
      throw ConfigException.invalid(name, value, "expected an integer from " + min + " to " + max);
    }

    boolean bool(String name, boolean fallback) {
      String value = text(name, null);
      if (value == null) {
        return fallback;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw ConfigException.invalid(name, value, "expected true or false");
      };
    }

    String host(String name, String fallback) {
      String value = text(name, fallback);
      if (HOST_NAME.matcher(value).matches() || IPV6.matcher(value).matches()) {
        return value;
      }
      throw ConfigException.invalid(
          name, value, "expected an IP address (such as 0.0.0.0 or ::) or a host name");
    }

    String logLevel(String name, String fallback) {
      String value = text(name, fallback).toUpperCase(Locale.ROOT);
      return switch (value) {
        case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> value;
        case "WARNING" -> "WARN"; // Python's spelling
        case "CRITICAL" -> "ERROR";
        default ->
            throw ConfigException.invalid(
                name, text(name, fallback), "expected TRACE, DEBUG, INFO, WARN or ERROR");
      };
    }
  }
}
