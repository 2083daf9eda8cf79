package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The database layer's promises, on both databases. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DatabaseIT {
  private static final String INSERT =
      "INSERT INTO tasks (title, is_completed, created_at, updated_at)"
          + " VALUES (#{title}, #{done}, #{now}, #{now})";

  @Parameter TestDatabase database;

  private static Map<String, Object> row(Database db, String title) {
    return Map.of("title", title, "done", false, "now", db.now());
  }

  private static long count(Database db) {
    return db.read("SELECT count(*) AS n FROM tasks", Map.of())
        .await()
        .iterator()
        .next()
        .getLong("n");
  }

  /**
   * Concurrent single writes (on SQLite they are committed in groups): each acknowledged one is
   * there, each failed one is not, and a failure does not take the others with it.
   */
  @Test
  void concurrentWritesCommitEachOnItsOwn() throws Exception {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      var outcomes =
          Parallel.run(
              48,
              () -> {
                int n = ThreadLocalRandom.current().nextInt(1_000_000);
                String title = n % 3 == 0 ? "" : "t" + n; // every third violates the CHECK
                try {
                  db.write(INSERT, row(db, title)).await();
                  return title;
                } catch (DatabaseException.Constraint refused) {
                  return null;
                }
              });
      long acknowledged = outcomes.stream().filter(t -> t != null).count();
      assertTrue(acknowledged > 0 && acknowledged < 48, "both kinds ran: " + acknowledged);
      assertEquals(acknowledged, count(db), "exactly the acknowledged writes are there");
    }
  }

  /**
   * An acknowledged write survives a power cut: SQLite syncs the WAL at every commit (FULL, on the
   * reader and the writer threads alike), and the service never turns PostgreSQL's off.
   */
  @Test
  void acknowledgedWritesAreDurable() {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      if (database == TestDatabase.SQLITE) {
        assertEquals(
            2, db.read("PRAGMA synchronous", Map.of()).await().iterator().next().getInteger(0));
        assertEquals(
            2, db.write("PRAGMA synchronous", Map.of()).await().iterator().next().getInteger(0));
      } else {
        var on = db.write("SHOW synchronous_commit", Map.of()).await().iterator().next();
        assertEquals("on", on.getString(0));
      }
    }
  }

  @Test
  void failedTransactionLeavesNothingBehind() {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      Future<Void> tx =
          db.inTransaction(
              conn ->
                  db.on(conn, INSERT, row(db, "first"))
                      .compose(
                          done ->
                              db.on(
                                  conn, INSERT, row(db, ""))) // violates the title CHECK constraint
                      .mapEmpty());

      var failure = assertThrows(RuntimeException.class, tx::await);
      var violation = assertInstanceOf(DatabaseException.Constraint.class, failure);
      assertEquals(DatabaseException.Constraint.Kind.CHECK, violation.kind());
      assertEquals(0, count(db), "the first insert was rolled back");
    }
  }

  @Test
  void committedTransactionKeepsEverything() {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      db.inTransaction(
              conn ->
                  db.on(conn, INSERT, row(db, "a"))
                      .compose(done -> db.on(conn, INSERT, row(db, "b"))))
          .await();
      assertEquals(2, count(db));
    }
  }

  /**
   * Regression test for vert-x3/vertx-jdbc-client#356 (see SqlitePools#fixed): after a transaction,
   * a plain statement on the same pooled connection must commit on its own, visibly to every other
   * connection.
   */
  @Test
  void singleStatementsCommitAfterATransaction() {
    // SQLite: exactly two connections, so holding one pins the rest to the other. PostgreSQL has no
    // such bug; 4 leaves it two write connections for the same steps.
    String size = database == TestDatabase.SQLITE ? "2" : "4";
    try (var server =
        TestServer.start(
            database, Map.of("DB_POOL_SIZE", size, "DB_POOL_ACQUIRE_TIMEOUT_MS", "1000"))) {
      Database db = server.app().database();
      var observer = db.writes().getConnection().await(); // B: held, so everything below runs on A
      try {
        db.inTransaction(conn -> db.on(conn, INSERT, row(db, "in tx"))).await();
        db.write(INSERT, row(db, "plain")).await();

        long seen =
            observer
                .query("SELECT count(*) AS n FROM tasks")
                .execute()
                .await()
                .iterator()
                .next()
                .getLong("n");
        assertEquals(2, seen, "the plain insert after the transaction was committed");
      } finally {
        observer.close().await();
      }
    }
  }

  @Test
  void connectionsUseTheConfiguredSettings() {
    var env = Map.of("DB_STATEMENT_TIMEOUT_MS", "2500", "DB_LOCK_TIMEOUT_MS", "1500");
    try (var server = TestServer.start(database, env)) {
      Database db = server.app().database();
      if (database == TestDatabase.POSTGRESQL) {
        Row row = db.read("SHOW statement_timeout", Map.of()).await().iterator().next();
        assertEquals("2500ms", row.getString(0));
        row = db.write("SHOW statement_timeout", Map.of()).await().iterator().next();
        assertEquals("2500ms", row.getString(0));
        row = db.read("SHOW lock_timeout", Map.of()).await().iterator().next();
        assertEquals("1500ms", row.getString(0));
      } else {
        assertEquals(
            "wal", db.read("PRAGMA journal_mode", Map.of()).await().iterator().next().getString(0));
        assertEquals(
            1L, db.read("PRAGMA foreign_keys", Map.of()).await().iterator().next().getLong(0));
        assertEquals(
            1500L, db.read("PRAGMA busy_timeout", Map.of()).await().iterator().next().getLong(0));
      }
    }
  }

  @Test
  void statementTimeoutIsServiceUnavailable() {
    // Something slow on each database: a sleep, or counting to a billion (many seconds on SQLite).
    String slow =
        database == TestDatabase.POSTGRESQL
            ? "SELECT pg_sleep(5)"
            : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c";
    try (var server = TestServer.start(database, Map.of("DB_STATEMENT_TIMEOUT_MS", "300"))) {
      long start = System.nanoTime();
      var failure =
          assertThrows(
              RuntimeException.class, () -> server.app().database().read(slow, Map.of()).await());
      assertTrue(
          System.nanoTime() - start < 4_000_000_000L, "stopped by the timeout, not by finishing");
      var unavailable = assertInstanceOf(DatabaseException.Unavailable.class, failure);
      assertEquals(DatabaseException.Unavailable.Reason.TIMEOUT, unavailable.reason());
    }
  }

  @Test
  void sqlEchoLogsEveryStatementWithItsDuration() {
    try (var log = new LogCapture("dev.taskloop.sql", Level.INFO);
        var server = TestServer.start(database, Map.of("SQL_ECHO", "true"))) {
      server.http().post("/tasks", "{\"title\":\"secret title\"}");
      server.http().get("/tasks");
      String logged = log.text();
      assertTrue(logged.contains("INSERT INTO tasks"), logged);
      assertTrue(logged.matches("(?s).*ok \\d+\\.\\d\\d ms: SELECT .*FROM tasks.*"), logged);
      assertTrue(!logged.contains("secret title"), "parameters are not logged");
    }
  }
}
