package dev.taskloop.system.db;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.system.db.Scrape.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database's meters move when what they count happens: statements by repository method, errors
 * by kind, acquire timeouts per pool, the report's connections.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class PoolMetricsIT {
  private static final String STATEMENTS = "taskloop_db_statement_seconds_count";
  private static final String ERRORS = "taskloop_db_errors_total";
  private static final String TIMEOUTS = "taskloop_db_pool_acquire_timeouts_total";

  @Parameter TestDatabase database;

  @Test
  void statementsAreTimedByRepositoryMethod() {
    try (var server = TestServer.start(database)) {
      long id = server.http().post("/tasks", "{\"title\":\"timed\"}").json().get("id").asLong();
      String find = "statement=\"TaskRepository.find\"";
      double before = Scrape.value(server, STATEMENTS, find);
      for (int i = 0; i < 3; i++) {
        assertEquals(200, server.http().get("/tasks/" + id).status());
      }
      assertEquals(3, Scrape.value(server, STATEMENTS, find) - before);
      assertEquals(1, Scrape.value(server, STATEMENTS, "statement=\"TaskRepository.create\""));
      double updates = Scrape.value(server, STATEMENTS, "statement=\"TaskRepository.update\"");
      assertEquals(200, server.http().patch("/tasks/" + id, "{\"title\":\"again\"}").status());
      assertEquals(
          Double.isNaN(updates) ? 1 : updates + 1,
          Scrape.value(server, STATEMENTS, "statement=\"TaskRepository.update\""));
      // a statement run in a lambda is named after the method the lambda is written in: a
      // category and its items are two statements of CategoryRepository.find
      long category =
          server.http().post("/categories", "{\"name\":\"Named\"}").json().get("id").asLong();
      assertEquals(200, server.http().get("/categories/" + category).status());
      assertEquals(2, Scrape.value(server, STATEMENTS, "statement=\"CategoryRepository.find\""));
      // a histogram with buckets from 0.5 ms to 10 s: every one of these took less than 10 s
      assertEquals(
          Scrape.value(server, STATEMENTS, find),
          Scrape.value(server, "taskloop_db_statement_seconds_bucket", find, "le=\"10.0\""));
    }
  }

  @Test
  void errorsAreCountedByKind() throws Exception {
    var env = Map.of("DB_LOCK_TIMEOUT_MS", "300", "DB_STATEMENT_TIMEOUT_MS", "8000");
    try (var server = TestServer.start(database, env)) {
      String unique = "kind=\"409\"";
      String busy = "kind=\"503\"";
      double conflicts = Scrape.value(server, ERRORS, unique, "reason=\"unique\"");
      double busies = Scrape.value(server, ERRORS, busy, "reason=\"busy\"");
      assertEquals(201, server.http().post("/categories", "{\"name\":\"Twice\"}").status());
      assertProblem(server.http().post("/categories", "{\"name\":\"twice\"}"), 409, "conflict");
      assertEquals(1, Scrape.value(server, ERRORS, unique, "reason=\"unique\"") - conflicts);

      long id = server.http().post("/tasks", "{\"title\":\"locked\"}").json().get("id").asLong();
      try (Connection lock = Holds.holdTaskRow(server, id)) {
        assertProblem(
            server.http().patch("/tasks/" + id, "{\"title\":\"waits\"}"),
            503,
            "service-unavailable");
        lock.rollback();
      }
      assertEquals(1, Scrape.value(server, ERRORS, busy, "reason=\"busy\"") - busies);
      assertEquals(0, Scrape.value(server, ERRORS, "kind=\"other\""));
    }
  }

  @Test
  void anAcquireTimeoutIsCountedForItsPool() throws Exception {
    // One connection for the writes: PostgreSQL's DB_POOL_SIZE=1 is one plain pool, "main";
    // SQLite's writes always have one, the writer thread's ("writes").
    String main = database == TestDatabase.SQLITE ? "writes" : "main";
    var env =
        Map.of(
            "DB_POOL_SIZE", "1",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "300",
            "DB_LOCK_TIMEOUT_MS", "4000",
            "DB_STATEMENT_TIMEOUT_MS", "8000");
    try (var server = TestServer.start(database, env)) {
      long id = server.http().post("/tasks", "{\"title\":\"held\"}").json().get("id").asLong();
      assertEquals(0, Scrape.value(server, TIMEOUTS, pool(main)));
      try (Connection lock = Holds.holdTaskRow(server, id)) {
        // waits for the lock on the only connection of the pool
        var holder =
            Thread.ofVirtual()
                .start(() -> server.http().patch("/tasks/" + id, "{\"title\":\"waits\"}"));
        Thread.sleep(300);
        var starved = server.http().post("/tasks", "{\"title\":\"starved\"}");
        assertProblem(starved, 503, "service-unavailable");
        assertEquals(1, Scrape.value(server, TIMEOUTS, pool(main)));
        assertEquals(0, Scrape.value(server, TIMEOUTS, pool("exports")));
        lock.rollback();
        holder.join();
      }
      assertEquals(201, server.http().post("/tasks", "{\"title\":\"free\"}").status());
      assertEquals(1, Scrape.value(server, TIMEOUTS, pool(main)), "nothing else timed out");
    }
  }

  @Test
  void anExportThatFindsNoConnectionCountsForTheExportsPool() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "2", "DB_EXPORT_POOL_SIZE", "1", "DB_POOL_ACQUIRE_TIMEOUT_MS", "300");
    try (var server = TestServer.start(database, env)) {
      Holds.seedTasks(server, 30_000);
      try (var stalled = Holds.stalledExport(server, null)) {
        assertEquals(1, Scrape.value(server, "taskloop_db_pool_in_use", pool("exports")));
        var second = server.http().get("/tasks/export");
        assertEquals(503, second.status(), second::toString);
        assertEquals(1, Scrape.value(server, TIMEOUTS, pool("exports")));
        assertEquals(1, Scrape.value(server, "taskloop_db_pool_size", pool("exports")));
      }
      assertEquals(0, Scrape.value(server, TIMEOUTS, pool(writesPool())));
    }
  }

  @Test
  void reportConnectionsAreAPoolOfTheirOwn() {
    try (var server = TestServer.start(database, Map.of("REPORT_WORKERS", "3"))) {
      String report = pool("report");
      assertEquals(3, Scrape.value(server, "taskloop_db_pool_max", report));
      assertEquals(0, Scrape.value(server, "taskloop_db_pool_acquire_seconds_count", report));
      assertEquals(200, server.http().get("/reports/summary").status());
      assertEquals(1, Scrape.value(server, "taskloop_db_pool_acquire_seconds_count", report));
      assertEquals(0, Scrape.value(server, "taskloop_db_pool_size", report), "closed again");
      assertEquals(0, Scrape.value(server, "taskloop_db_pool_in_use", report));
    }
  }

  private static String writesPool() {
    return "writes"; // on both: SQLite's writer thread, PostgreSQL's plain pool
  }
}
