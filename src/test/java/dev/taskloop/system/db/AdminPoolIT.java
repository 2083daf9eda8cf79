package dev.taskloop.system.db;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /admin/pool}: for administrators only, and its numbers are the pools' own. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AdminPoolIT {
  private static final String ADMIN = "root@example.com";
  private static final String PASSWORD = "root-password";

  @Parameter TestDatabase database;

  private static TestServer start(TestDatabase database, Map<String, String> extra) {
    var env = new HashMap<>(extra);
    env.put("ADMIN_EMAIL", ADMIN);
    env.put("ADMIN_PASSWORD", PASSWORD);
    return TestServer.start(database, env);
  }

  @Test
  void onlyAdministratorsSeeThePools() {
    try (var server = start(database, Map.of())) {
      assertProblem(server.anonymous().get("/admin/pool"), 401, "unauthorized");
      assertProblem(server.http().get("/admin/pool"), 403, "forbidden"); // the owner: no admin
      var answer = server.loggedIn(ADMIN, PASSWORD).get("/admin/pool");
      assertEquals(200, answer.status(), answer::toString);
      assertEquals("application/json", answer.contentType());
    }
  }

  @Test
  void listsEveryPoolWithItsSizes() throws Exception {
    var env = Map.of("DB_POOL_SIZE", "4", "DB_EXPORT_POOL_SIZE", "3", "REPORT_WORKERS", "2");
    try (var server = start(database, env)) {
      Http admin = server.loggedIn(ADMIN, PASSWORD);
      // the first use of a key looks it up and records its use: after that, nothing is in flight
      assertEquals(200, admin.get("/admin/pool").status());
      Thread.sleep(200);
      JsonNode body = admin.get("/admin/pool").json();
      assertEquals(
          database == TestDatabase.SQLITE ? "sqlite" : "postgresql", body.get("database").asText());
      assertEquals(5000, body.get("leak_threshold_ms").asLong(), "the default");
      var names = new ArrayList<String>();
      var sizes = new ArrayList<Integer>();
      for (JsonNode pool : body.get("pools")) {
        names.add(pool.get("pool").asText());
        sizes.add(pool.get("max_size").asInt());
        assertEquals(0, pool.get("in_use").asInt(), pool::toString);
        assertEquals(0, pool.get("waiting").asInt(), pool::toString);
        assertTrue(pool.get("oldest_checkout_ms").isNull(), pool::toString);
        assertEquals(0, pool.get("acquire_timeouts").asLong(), pool::toString);
        assertEquals(0, pool.get("leak_warnings").asLong(), pool::toString);
      }
      if (database == TestDatabase.SQLITE) {
        assertEquals(
            List.of("reads", "writes", "transactions", "exports", "health", "report"), names);
        int readers = Math.min(4, Runtime.getRuntime().availableProcessors()); // one per core
        assertEquals(List.of(readers, 1, 4, 3, 1, 2), sizes);
      } else {
        assertEquals(List.of("reads", "writes", "exports", "health", "report"), names);
        assertEquals(List.of(1, 3, 3, 1, 2), sizes); // a fifth of 4, at least one, pipelined
        assertTrue(pool(body, "reads").get("idle").isNull(), "pipelined: no idle count");
      }
      assertEquals(0, pool(body, "health").get("size").asInt(), "opened on first use");
      assertEquals(200, server.anonymous().get("/health/ready").status());
      JsonNode health = pool(admin.get("/admin/pool").json(), "health");
      assertEquals(1, health.get("size").asInt(), health::toString);
      assertEquals(1, health.get("idle").asInt(), health::toString);
    }
  }

  @Test
  void aHeldConnectionShowsInUseWithItsAgeRouteAndRequest() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "1",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "6000",
            "DB_LOCK_TIMEOUT_MS", "6000",
            "DB_STATEMENT_TIMEOUT_MS", "10000");
    // the statements' pool: SQLite's writer thread, PostgreSQL's one plain pool
    String writes = database == TestDatabase.SQLITE ? "writes" : "main";
    try (var server = start(database, env)) {
      Http admin = server.loggedIn(ADMIN, PASSWORD);
      assertEquals(200, admin.get("/admin/pool").status()); // its key is cached from here on
      long id = server.http().post("/tasks", "{\"title\":\"held\"}").json().get("id").asLong();
      var threads = new ArrayList<Thread>();
      try (Connection lock = Holds.holdTaskRow(server, id)) {
        threads.add(patch(server, id, "holds-1")); // gets the only connection, waits for the lock
        Thread.sleep(300);
        threads.add(patch(server, id, "waits-1")); // waits for the connection
        Thread.sleep(300);
        JsonNode main = pool(admin.get("/admin/pool").json(), writes);
        assertEquals(1, main.get("size").asInt(), main::toString);
        assertEquals(1, main.get("in_use").asInt(), main::toString);
        assertEquals(0, main.get("idle").asInt(), main::toString);
        assertEquals(1, main.get("waiting").asInt(), main::toString);
        assertTrue(main.get("oldest_checkout_ms").asLong() >= 500, main::toString);
        assertEquals("/tasks/{id}", main.get("oldest_checkout_route").asText(), main::toString);
        assertEquals("holds-1", main.get("oldest_checkout_request_id").asText(), main::toString);
        lock.rollback();
        for (Thread thread : threads) {
          thread.join();
        }
      }
      JsonNode after = pool(admin.get("/admin/pool").json(), writes);
      assertEquals(0, after.get("in_use").asInt(), after::toString);
      assertEquals(1, after.get("idle").asInt(), after::toString);
      assertTrue(after.get("oldest_checkout_ms").isNull(), after::toString);
    }
  }

  @Test
  void anExportShowsAsTheExportPoolsCheckout() throws Exception {
    try (var server = start(database, Map.of("DB_EXPORT_POOL_SIZE", "1"))) {
      Http admin = server.loggedIn(ADMIN, PASSWORD);
      Holds.seedTasks(server, 30_000);
      try (var export = Holds.stalledExport(server, "export-1")) {
        JsonNode exports = pool(admin.get("/admin/pool").json(), "exports");
        assertEquals(1, exports.get("in_use").asInt(), exports::toString);
        assertEquals(1, exports.get("size").asInt(), exports::toString);
        assertEquals("/tasks/export", exports.get("oldest_checkout_route").asText());
        assertEquals("export-1", exports.get("oldest_checkout_request_id").asText());
      } // the client goes away: the export ends
      long deadline = System.nanoTime() + 3_000_000_000L;
      JsonNode exports;
      do {
        exports = pool(admin.get("/admin/pool").json(), "exports");
      } while (exports.get("in_use").asInt() != 0 && System.nanoTime() < deadline);
      assertEquals(0, exports.get("in_use").asInt(), exports::toString);
    }
  }

  private static Thread patch(TestServer server, long id, String requestId) {
    return Thread.ofVirtual()
        .start(
            () ->
                server
                    .http()
                    .withHeader("X-Request-Id", requestId)
                    .patch("/tasks/" + id, "{\"title\":\"" + requestId + "\"}"));
  }

  private static JsonNode pool(JsonNode body, String name) {
    for (JsonNode pool : body.get("pools")) {
      if (pool.get("pool").asText().equals(name)) {
        return pool;
      }
    }
    throw new AssertionError("no pool " + name + " in " + body);
  }
}
