package dev.taskloop.system.db;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.BulkTasks;
import dev.taskloop.support.Http;
import dev.taskloop.support.StalledExport;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.DatabaseUrl;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pool guards on both databases: a bounded wait queue ({@code DB_POOL_MAX_WAITING}) answers 503
 * at once instead of after the acquire timeout; connections are replaced after {@code
 * DB_MAX_LIFETIME_S} and closed after {@code DB_IDLE_TIMEOUT_S} unused, while requests keep
 * succeeding. Which connection a statement ran on is told by a TEMP table: it exists in one session
 * (connection) only, on SQLite and PostgreSQL alike.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class PoolGuardsIT {
  private static final String MARKER = "CREATE TEMP TABLE pool_marker (x INTEGER)";

  @Parameter TestDatabase database;

  /** What one request saw. */
  private record Seen(int status, long millis, Http.Response response) {}

  /** A connection of the test's own that holds the write lock of a task (SQLite: of all). */
  private static Connection holdWriteLock(TestServer server, long taskId) throws SQLException {
    Connection c = connect(server);
    c.setAutoCommit(false);
    try (var statement = c.createStatement()) {
      statement.executeUpdate("UPDATE tasks SET title = 'held' WHERE id = " + taskId);
    }
    return c;
  }

  private static Connection connect(TestServer server) throws SQLException {
    return switch (server.database().parsed()) {
      case DatabaseUrl.Sqlite sqlite -> DriverManager.getConnection(sqlite.jdbcUrl());
      case DatabaseUrl.Postgres pg ->
          DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    };
  }

  @Test
  void pastTheWaitQueueRequestsGet503AtOnce() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "1",
            "DB_POOL_MAX_WAITING", "1",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "5000",
            "DB_LOCK_TIMEOUT_MS", "4000",
            "DB_STATEMENT_TIMEOUT_MS", "6000");
    try (var server = TestServer.start(database, env)) {
      var http = server.http();
      long id = http.post("/tasks", "{\"title\":\"queued\"}").json().get("id").asLong();
      var seen = new ConcurrentLinkedQueue<Seen>();
      Thread patch;
      try (Connection lock = holdWriteLock(server, id)) {
        // the one connection waits for the lock inside this PATCH
        patch = Thread.ofVirtual().start(() -> http.patch("/tasks/" + id, "{\"title\":\"x\"}"));
        Thread.sleep(300);
        // Writes: they queue behind the waiting one on both databases (on SQLite reads do not:
        // WAL readers never wait for the writer, and have threads of their own).
        var writers = new ArrayList<Thread>();
        for (int i = 0; i < 6; i++) { // one may wait; five are past the queue
          writers.add(Thread.ofVirtual().start(() -> seen.add(timedPost(http))));
        }
        Thread.sleep(300);
        if (database == TestDatabase.SQLITE) { // meanwhile a read is served at once
          Seen read = timed(http, "/tasks/" + id);
          assertEquals(200, read.status(), read::toString);
          assertTrue(read.millis() < 1000, "read after " + read.millis() + " ms");
        }
        Thread.sleep(1200);
        lock.rollback();
        for (Thread writer : writers) {
          writer.join();
        }
      }
      patch.join();
      List<Seen> refused = seen.stream().filter(s -> s.status() == 503).toList();
      List<Seen> served = seen.stream().filter(s -> s.status() == 201).toList();
      assertEquals(6, refused.size() + served.size(), "only 201 and 503: " + seen);
      assertEquals(5, refused.size(), "all but the one waiter refused: " + seen);
      for (Seen s : refused) {
        assertTrue(
            s.millis() < 1000, "refused after " + s.millis() + " ms, not the acquire timeout");
        assertProblem(s.response(), 503, "service-unavailable");
        assertEquals("1", s.response().header("retry-after").orElseThrow());
        assertTrue(
            s.response().json().get("detail").asText().contains("already waiting"),
            s.response()::toString);
      }
      assertEquals(1, served.size(), "the waiter was served once the connection was free");
      assertEquals(200, http.get("/tasks/" + id).status(), "and the pool is fine afterwards");
    }
  }

  /**
   * The export connections ({@code DB_EXPORT_POOL_SIZE}) have the same bound: with the only one
   * held by a client that stopped reading and none allowed to wait, the next export is 503 at once.
   */
  @Test
  void anExportPastTheWaitQueueGets503AtOnce() throws Exception {
    var env =
        Map.of(
            "DB_EXPORT_POOL_SIZE", "1",
            "DB_POOL_MAX_WAITING", "0",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "3000");
    try (var server = TestServer.start(database, env)) {
      BulkTasks.insert(server, 30_000);
      String key = server.loginOwner().json().get("key").asText();
      try (Socket stalled = StalledExport.open(server, key)) {
        Thread.sleep(300);
        var second = timed(server.http(), "/tasks/export");
        assertTrue(second.millis() < 1000, "refused after " + second.millis() + " ms");
        assertProblem(second.response(), 503, "service-unavailable");
        assertTrue(
            second.response().json().get("detail").asText().contains("already waiting"),
            second.response()::toString);
      }
    }
  }

  private static Seen timedPost(Http http) {
    long start = System.nanoTime();
    var response = http.post("/tasks", "{\"title\":\"waits\"}");
    return new Seen(response.status(), (System.nanoTime() - start) / 1_000_000, response);
  }

  private static Seen timed(Http http, String path) {
    long start = System.nanoTime();
    var response = http.get(path);
    return new Seen(response.status(), (System.nanoTime() - start) / 1_000_000, response);
  }

  @Test
  void connectionsAreReplacedAfterTheirLifetimeWhileRequestsSucceed() throws Exception {
    var env = Map.of("DB_POOL_SIZE", "1", "DB_MAX_LIFETIME_S", "1");
    try (var server = TestServer.start(database, env)) {
      Set<Integer> before = backends(server);
      server.sql(MARKER);
      server.sql("SELECT x FROM pool_marker"); // the same (only) connection
      long until = System.nanoTime() + 3_000_000_000L;
      int requests = 0;
      while (System.nanoTime() < until) {
        assertEquals(200, server.http().get("/tasks?limit=1").status());
        assertEquals(201, server.http().post("/tasks", "{\"title\":\"t\"}").status());
        requests++;
        Thread.sleep(50);
      }
      assertTrue(requests > 10, "requests ran meanwhile: " + requests);
      assertThrows(
          Exception.class,
          () -> server.sql("SELECT x FROM pool_marker"),
          "the marker's connection was closed and replaced");
      if (database == TestDatabase.POSTGRESQL) {
        Set<Integer> after = backends(server);
        assertFalse(after.isEmpty(), "connections now");
        after.retainAll(before);
        assertTrue(after.isEmpty(), "no backend survived its lifetime: " + after);
      }
    }
  }

  @Test
  void idleConnectionsAreClosedButBusyOnesStay() throws Exception {
    var env = Map.of("DB_POOL_SIZE", "1", "DB_IDLE_TIMEOUT_S", "1", "DB_MAX_LIFETIME_S", "0");
    try (var server = TestServer.start(database, env)) {
      server.sql(MARKER);
      long until = System.nanoTime() + 2_500_000_000L;
      while (System.nanoTime() < until) { // never idle for a second, reading or writing
        assertEquals(200, server.http().get("/tasks?limit=1").status());
        assertEquals(201, server.http().post("/tasks", "{\"title\":\"t\"}").status());
        Thread.sleep(200);
      }
      server.sql("SELECT x FROM pool_marker"); // still the same connection
      Thread.sleep(2500); // idle: closed at the first cleaning after 1 s
      assertThrows(
          Exception.class,
          () -> server.sql("SELECT x FROM pool_marker"),
          "the idle connection was closed");
      assertEquals(200, server.http().get("/tasks?limit=1").status(), "a new one serves");
    }
  }

  /** PostgreSQL: the backend pids of the service's connections (none on SQLite). */
  private static Set<Integer> backends(TestServer server) throws SQLException {
    var pids = new HashSet<Integer>();
    if (database(server) instanceof DatabaseUrl.Postgres) {
      try (var c = connect(server);
          var rows =
              c.createStatement()
                  .executeQuery(
                      "SELECT pid FROM pg_stat_activity WHERE application_name = 'taskloop'"
                          + " AND datname = current_database()")) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
    }
    return pids;
  }

  private static DatabaseUrl database(TestServer server) {
    return server.database().parsed();
  }
}
