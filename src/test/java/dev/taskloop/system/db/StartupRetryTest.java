package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.LogCapture;
import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which startup failures are waited out and which stop startup at once, and what the operator
 * reads: one INFO line per failed attempt, one line at the end. Real databases: StartupRetryIT.
 */
class StartupRetryTest {
  private static final DatabaseUrl.Postgres PG =
      new DatabaseUrl.Postgres("db.internal", 5433, "appdb", "app", "secret", "prefer");
  private static final DatabaseUrl SQLITE = new DatabaseUrl.Sqlite(Path.of("data", "t.db"));

  /** A step that throws {@code failures} in turn, then answers "up". */
  private static Callable<String> failing(AtomicInteger calls, Exception... failures) {
    return () -> {
      int call = calls.getAndIncrement();
      if (call < failures.length) {
        throw failures[call];
      }
      return "up";
    };
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void retriesADatabaseThatIsNotUpYetWithOneInfoLinePerAttempt() {
    var calls = new AtomicInteger();
    try (var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      var refused = new ConnectException("Connection refused");
      var startingUp = new PgException("the database system is starting up", "FATAL", "57P03", "");
      String result =
          StartupRetry.run(PG, "cannot migrate", in(10_000), failing(calls, refused, startingUp));
      assertEquals("up", result);
      assertEquals(3, calls.get());
      var lines = log.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(2, lines.size(), lines::toString);
      assertEquals(
          "database not reachable yet, attempt 1: cannot migrate"
              + " postgresql://app:***@db.internal:5433/appdb: ConnectException: Connection refused;"
              + " next try in 100 ms",
          lines.get(0));
      assertTrue(
          lines.get(1).startsWith("database not reachable yet, attempt 2: cannot migrate "),
          lines::toString);
      assertTrue(lines.get(1).contains(": PgException: "), lines::toString);
      assertTrue(lines.get(1).endsWith("; next try in 200 ms"), lines::toString);
      assertFalse(String.join("\n", lines).contains("secret"), "the password is masked");
    }
  }

  @Test
  void givesUpAtTheDeadlineWithOneLine() {
    var calls = new AtomicInteger();
    long start = System.nanoTime();
    var failure =
        assertThrows(
            Database.StartupFailure.class,
            () ->
                StartupRetry.run(
                    PG,
                    "cannot connect to",
                    in(500),
                    () -> {
                      calls.incrementAndGet();
                      throw new ConnectException("Connection refused");
                    }));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= 450 && millis < 1500, "gave up after " + millis + " ms");
    assertTrue(calls.get() >= 4, "attempts at 0, 100, 300, 500 ms: " + calls.get());
    String message = failure.getMessage();
    assertTrue(
        message.startsWith(
            "cannot connect to postgresql://app:***@db.internal:5433/appdb:"
                + " ConnectException: Connection refused (gave up after "),
        message);
    assertTrue(message.endsWith(" ms: DB_CONNECT_TIMEOUT_S)"), message);
    assertFalse(message.contains("\n"), "one line");
  }

  @Test
  void aZeroTimeoutMakesOneAttempt() {
    var calls = new AtomicInteger();
    var failure =
        assertThrows(
            Database.StartupFailure.class,
            () ->
                StartupRetry.run(
                    PG,
                    "cannot connect to",
                    System.nanoTime(),
                    failing(calls, new ConnectException("Connection refused"))));
    assertEquals(1, calls.get());
    assertFalse(failure.getMessage().contains("gave up"), failure.getMessage());
  }

  @Test
  void aMissingDatabaseFailsAtOnceWithTheCreatedbCommand() {
    var calls = new AtomicInteger();
    var missing = new SQLException("FATAL: database \"appdb\" does not exist", "3D000");
    var failure =
        assertThrows(
            Database.StartupFailure.class,
            () -> StartupRetry.run(PG, "cannot migrate", in(10_000), failing(calls, missing)));
    assertEquals(1, calls.get(), "not retried");
    assertEquals(
        "cannot migrate postgresql://app:***@db.internal:5433/appdb: database \"appdb\" does not"
            + " exist on db.internal:5433; create it with: createdb -h db.internal -p 5433 -U app"
            + " appdb",
        failure.getMessage());
  }

  @Test
  void refusedCredentialsFailAtOnce() {
    for (String state : new String[] {"28P01", "28000"}) {
      var calls = new AtomicInteger();
      var refused = new PgException("password authentication failed", "FATAL", state, "");
      var failure =
          assertThrows(
              Database.StartupFailure.class,
              () -> StartupRetry.run(PG, "cannot connect to", in(10_000), failing(calls, refused)));
      assertEquals(1, calls.get(), state + " not retried");
      assertTrue(
          failure.getMessage().contains("PostgreSQL refused user \"app\""), failure::getMessage);
      assertTrue(failure.getMessage().endsWith("check the user and password in DATABASE_URL"));
    }
  }

  @Test
  void whatWaitingCannotFixFailsAtOnce() {
    var calls = new AtomicInteger();
    var bug = new SQLException("syntax error", "42601");
    assertThrows(
        Database.StartupFailure.class,
        () -> StartupRetry.run(PG, "cannot migrate", in(10_000), failing(calls, bug)));
    assertEquals(1, calls.get(), "a SQL error is not a database that is starting");

    var sqliteCalls = new AtomicInteger();
    var failure =
        assertThrows(
            Database.StartupFailure.class,
            () ->
                StartupRetry.run(
                    SQLITE,
                    "cannot migrate",
                    in(10_000),
                    failing(sqliteCalls, new IOException("Not a directory"))));
    assertEquals(1, sqliteCalls.get(), "a SQLite file does not come up later");
    assertEquals(
        "cannot migrate sqlite:data/t.db: IOException: Not a directory", failure.getMessage());
  }

  @Test
  void classifiesWhatANotYetUpDatabaseAnswers() {
    assertTrue(StartupRetry.notYet(new SQLException("refused", "08001")));
    assertTrue(StartupRetry.notYet(new SQLException("too many clients", "53300")));
    assertTrue(StartupRetry.notYet(new PgException("shutting down", "FATAL", "57P01", "")));
    assertTrue(StartupRetry.notYet(new java.net.UnknownHostException("db")));
    assertTrue(StartupRetry.notYet(new java.util.concurrent.TimeoutException("ping")));
    assertTrue(
        StartupRetry.notYet(
            new io.vertx.core.VertxException("Timeout waiting for connection", true)),
        "the pool opened no connection within the acquire timeout");
    assertFalse(StartupRetry.notYet(new SQLException("syntax", "42601")));
    assertFalse(StartupRetry.notYet(new IllegalStateException("a bug")));
  }
}
