package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The database layer's promises, on both databases. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DatabaseIT {
  private static final String INSERT = "INSERT INTO tasks (title, is_completed, created_at, updated_at)"
      + " VALUES (#{title}, #{done}, #{now}, #{now})";

  @Parameter TestDatabase database;

  private static Map<String, Object> row(Database db, String title) {
    return Map.of("title", title, "done", false, "now", db.now());
  }

  private static long count(Database db) {
    return db.read("SELECT count(*) AS n FROM tasks", Map.of()).await().iterator().next().getLong("n");
  }

  @Test
  void failedTransactionLeavesNothingBehind() {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      Future<Void> tx = db.inTransaction(conn -> db.on(conn, INSERT, row(db, "first"))
          .compose(done -> db.on(conn, INSERT, row(db, ""))) // violates the title CHECK constraint
          .mapEmpty());

      var failure = assertThrows(RuntimeException.class, tx::await);
      var violation = assertInstanceOf(ConstraintViolationException.class, failure);
      assertEquals(ConstraintViolationException.Kind.CHECK, violation.kind());
      assertEquals(0, count(db), "the first insert was rolled back");
    }
  }

  @Test
  void committedTransactionKeepsEverything() {
    try (var server = TestServer.start(database)) {
      Database db = server.app().database();
      db.inTransaction(conn -> db.on(conn, INSERT, row(db, "a")).compose(done -> db.on(conn, INSERT, row(db, "b"))))
          .await();
      assertEquals(2, count(db));
    }
  }

  /**
   * Regression test for vert-x3/vertx-jdbc-client#356 (see SqlitePools#fixed): after a
   * transaction, plain statements on every pooled connection must still commit on their own.
   */
  @Test
  void singleStatementsCommitAfterATransaction() {
    try (var server = TestServer.start(database, Map.of("DB_POOL_SIZE", "2", "DB_POOL_ACQUIRE_TIMEOUT_MS", "1000"))) {
      Database db = server.app().database();
      db.inTransaction(conn -> db.on(conn, INSERT, row(db, "in tx"))).await();
      for (int i = 0; i < 6; i++) { // lands on both connections of the pool
        db.write(INSERT, row(db, "plain " + i)).await();
      }
      var other = db.writes().getConnection().await();
      try {
        long seen = other.query("SELECT count(*) AS n FROM tasks").execute().await().iterator().next().getLong("n");
        assertEquals(7, seen, "every write is visible from another connection");
      } finally {
        other.close().await();
      }
    }
  }

  @Test
  void connectionsUseTheConfiguredSettings() {
    try (var server = TestServer.start(database, Map.of("DB_STATEMENT_TIMEOUT_MS", "2500"))) {
      Database db = server.app().database();
      if (database == TestDatabase.POSTGRESQL) {
        Row row = db.read("SHOW statement_timeout", Map.of()).await().iterator().next();
        assertEquals("2500ms", row.getString(0));
        row = db.write("SHOW statement_timeout", Map.of()).await().iterator().next();
        assertEquals("2500ms", row.getString(0));
      } else {
        assertEquals("wal", db.read("PRAGMA journal_mode", Map.of()).await().iterator().next().getString(0));
        assertEquals(1L, db.read("PRAGMA foreign_keys", Map.of()).await().iterator().next().getLong(0));
        assertEquals(3000L, db.read("PRAGMA busy_timeout", Map.of()).await().iterator().next().getLong(0));
      }
    }
  }

  @Test
  void statementTimeoutIsServiceUnavailable() {
    Assumptions.assumeTrue(database == TestDatabase.POSTGRESQL, "SQLite has no server-side sleep to time out");
    try (var server = TestServer.start(database, Map.of("DB_STATEMENT_TIMEOUT_MS", "100"))) {
      var failure = assertThrows(RuntimeException.class,
          () -> server.app().database().read("SELECT pg_sleep(2)", Map.of()).await());
      var unavailable = assertInstanceOf(DatabaseUnavailableException.class, failure);
      assertEquals(DatabaseUnavailableException.Reason.TIMEOUT, unavailable.reason());
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
