package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup against a database that is not up yet (compose, Kubernetes): a step (the migration, the
 * first ping) that fails because the database cannot be reached <em>yet</em> is tried again with
 * backoff ({@link #FIRST_DELAY_MS} doubling up to {@link #MAX_DELAY_MS}) until {@code
 * DB_CONNECT_TIMEOUT_S} after startup began, with one INFO line per failed attempt; then startup
 * fails with one line. Blocking: the main thread's, never an event loop's.
 *
 * <p>Retried: what a database that is starting, restarting or not yet resolvable in DNS answers:
 * refused, unknown host, no route, timeouts, SQLSTATE class 08 (connection), 57P01..57P03 (shutting
 * down, starting up), 53300 (too many connections). Everything else fails at once, because waiting
 * cannot fix it: a missing PostgreSQL database (3D000, with the {@code createdb} command that
 * creates it; the official image creates its database before it accepts TCP connections, so over
 * TCP a missing one is a mistake, not a race), refused credentials (28P01, 28000), a schema newer
 * than the build, a SQLite file that cannot be opened.
 */
final class StartupRetry {
  private static final Logger LOG = LoggerFactory.getLogger(StartupRetry.class);
  static final long FIRST_DELAY_MS = 100;
  static final long MAX_DELAY_MS = 2000;

  /** Refusals of a server that is shutting down or starting up, or full for a moment. */
  private static final Set<String> NOT_YET = Set.of("57P01", "57P02", "57P03", "53300");

  private StartupRetry() {}

  /** Brings the schema up to date; see {@link Database#migrate}. */
  static String migrate(AppConfig config, long untilNanos) {
    DatabaseUrl url = config.database();
    return run(
        url,
        "cannot migrate",
        untilNanos,
        () -> Migrations.migrate(url, config.connectTimeout()).schemaVersion());
  }

  /** Waits for {@code pings} to succeed, each try within the acquire timeout. */
  static void ping(AppConfig config, long untilNanos, Supplier<Future<?>> pings) {
    long millis = config.acquireTimeout().toMillis();
    run(
        config.database(),
        "cannot connect to",
        untilNanos,
        () -> pings.get().timeout(millis, TimeUnit.MILLISECONDS).await());
  }

  /**
   * Runs {@code step} until it succeeds, fails in a way that waiting cannot fix, or {@code
   * untilNanos} ({@link System#nanoTime}) passes; {@code doing} and the URL name it in the log and
   * in the {@link Database.StartupFailure}, e.g. "cannot migrate postgresql://app:***@db:5432/app".
   */
  static <T> T run(DatabaseUrl url, String doing, long untilNanos, Callable<T> step) {
    String what = doing + " " + url.masked();
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        return step.call();
      } catch (Exception e) {
        String fatal = fatal(url, e);
        if (fatal != null) {
          throw new Database.StartupFailure(what + ": " + fatal, e);
        }
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(untilNanos - System.nanoTime());
        // a SQLite file that cannot be opened now will not open later
        if (url instanceof DatabaseUrl.Sqlite || !notYet(e) || leftMillis <= 0) {
          String tried =
              attempt == 1
                  ? ""
                  : " (gave up after %d attempts in %d ms: DB_CONNECT_TIMEOUT_S)"
                      .formatted(attempt, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          throw new Database.StartupFailure(describe(what, e) + tried, e);
        }
        long delay = Math.min(leftMillis, Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << (attempt - 1)));
        LOG.info(
            "database not reachable yet, attempt {}: {}; next try in {} ms",
            attempt,
            describe(what, e),
            delay);
        sleep(delay);
      }
    }
  }

  /** The line that explains a failure no retry can fix, or null. */
  static String fatal(DatabaseUrl url, Throwable error) {
    if (!(url instanceof DatabaseUrl.Postgres pg)) {
      return null;
    }
    String state = sqlState(error);
    return switch (state == null ? "" : state) {
      case "3D000" ->
          "database \"%s\" does not exist on %s:%d; create it with: createdb -h %s -p %d -U %s %s"
              .formatted(
                  pg.database(),
                  pg.host(),
                  pg.port(),
                  pg.host(),
                  pg.port(),
                  pg.user(),
                  pg.database());
      case "28P01", "28000" ->
          "PostgreSQL refused user \"%s\" (%s): check the user and password in DATABASE_URL"
              .formatted(pg.user(), state.equals("28P01") ? "wrong password" : "not allowed in");
      default -> null;
    };
  }

  /** Whether {@code error} is what a database that is not up yet answers. */
  static boolean notYet(Throwable error) {
    String state = sqlState(error);
    if (state != null) {
      return state.startsWith("08") || NOT_YET.contains(state);
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException // refused, reset, unknown host, no route, connect timeout
          || t instanceof TimeoutException) { // the ping got no answer in time
        return true;
      }
    }
    // what the pools say by message only: no connection opened within the acquire timeout
    // ("Timeout waiting for connection"), a connection closed while opening, TLS refused
    return DbErrors.classify(error) instanceof DatabaseException.Unavailable;
  }

  /** The first SQLSTATE in the cause chain (PostgreSQL's JDBC and reactive drivers alike). */
  private static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String state =
          switch (t) {
            case PgException pg -> pg.getSqlState();
            case SQLException jdbc -> jdbc.getSQLState();
            default -> null;
          };
      if (state != null) {
        return state;
      }
    }
    return null;
  }

  /**
   * {@code what} and the innermost cause, in one line: "cannot connect to ...: ConnectException:
   * Connection refused"; a {@link Database.StartupFailure} already says it in its own words.
   */
  private static String describe(String what, Throwable error) {
    if (error instanceof Database.StartupFailure) {
      return error.getMessage();
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage()).strip();
    int newline = message.indexOf('\n');
    return what
        + ": "
        + root.getClass().getSimpleName()
        + ": "
        + (newline < 0 ? message : message.substring(0, newline).strip());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Database.StartupFailure("interrupted while waiting for the database", e);
    }
  }
}
