package dev.taskloop.system.db;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A busy database is not a down database: readiness stays 200 while the pool is exhausted (a load
 * balancer would otherwise pull every instance at once), and a statement waiting for another
 * transaction's lock gives up after the lock timeout, not the statement timeout.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DatabasePressureIT {
  @Parameter TestDatabase database;

  /** A connection of the test's own that holds the write lock of the tasks table (or a row). */
  private static Connection holdWriteLock(TestServer server, long taskId) throws SQLException {
    Connection c =
        switch (server.database().parsed()) {
          case DatabaseUrl.Sqlite sqlite -> DriverManager.getConnection(sqlite.jdbcUrl());
          case DatabaseUrl.Postgres pg ->
              DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        };
    c.setAutoCommit(false);
    try (var statement = c.createStatement()) {
      // SQLite: any write takes the database's write lock; PostgreSQL: this row's lock
      statement.executeUpdate("UPDATE tasks SET title = 'held' WHERE id = " + taskId);
    }
    return c;
  }

  @Test
  void readinessStaysUpWhileThePoolIsExhausted() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "2",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "3000",
            "DB_LOCK_TIMEOUT_MS", "4000",
            "DB_STATEMENT_TIMEOUT_MS", "5000");
    try (var server = TestServer.start(database, env)) {
      long id = server.http().post("/tasks", "{\"title\":\"busy\"}").json().get("id").asLong();
      try (Connection lock = holdWriteLock(server, id)) {
        var blocked = new ArrayList<Thread>();
        for (int i = 0; i < 4; i++) { // more writers than connections: all of them wait
          blocked.add(
              Thread.ofVirtual()
                  .start(() -> server.http().patch("/tasks/" + id, "{\"title\":\"queued\"}")));
        }
        Thread.sleep(500);
        long start = System.nanoTime();
        var ready = server.anonymous().get("/health/ready");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, ready.status(), ready::toString);
        assertTrue(millis < 1000, "readiness answered in " + millis + " ms");
        if (database == TestDatabase.POSTGRESQL) { // its reads have connections of their own
          assertEquals(200, server.http().get("/tasks/" + id).status());
        }
        lock.rollback();
        for (Thread thread : blocked) {
          thread.join();
        }
      }
    }
  }

  @Test
  void aStatementWaitingForALockGivesUpAfterTheLockTimeout() throws Exception {
    var env = Map.of("DB_LOCK_TIMEOUT_MS", "300", "DB_STATEMENT_TIMEOUT_MS", "8000");
    try (var server = TestServer.start(database, env)) {
      long id = server.http().post("/tasks", "{\"title\":\"locked\"}").json().get("id").asLong();
      try (Connection lock = holdWriteLock(server, id)) {
        long start = System.nanoTime();
        var response = server.http().patch("/tasks/" + id, "{\"title\":\"waits\"}");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertProblem(response, 503, "service-unavailable");
        assertEquals("1", response.header("retry-after").orElseThrow());
        assertTrue(millis < 3000, "gave up after " + millis + " ms, not the statement timeout");
        lock.rollback();
      }
      assertEquals(200, server.http().patch("/tasks/" + id, "{\"title\":\"free\"}").status());
    }
  }
}
