package dev.taskloop.system.http;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every way a request can go wrong answers problem+json with the right status, on both databases.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class HttpErrorsIT extends SharedServer {
  @Test
  void malformedJsonIsBadRequest() {
    for (String body :
        List.of(
            "{\"title\":",
            "{\"title\":\"a\"} trailing",
            "{\"title\":\"a\",\"title\":\"b\"}",
            "nope")) {
      var response = http.post("/tasks", body);
      assertProblem(response, 400, "malformed-request");
    }
    assertProblem(http.patch("/tasks/1", "{oops"), 400, "malformed-request");
    var twice = http.post("/tasks", "{\"title\":\"a\",\"done\":{\"x\":1,\"x\":2}}");
    assertProblem(twice, 400, "malformed-request");
    assertEquals(
        "The body names the key \"x\" twice in one object (line 1, column 31).",
        twice.json().get("detail").asText());
    assertProblem(
        http.post("/tasks", "[".repeat(2000)),
        400,
        "malformed-request"); // past Jackson's depth limit
    assertProblem(
        http.post("/tasks", "{\"title\":" + "9".repeat(1500) + "}"), 400, "malformed-request");
  }

  @Test
  void nonJsonContentTypeIsUnsupported() {
    assertProblem(
        http.send("POST", "/tasks", "text/plain", "{\"title\":\"x\"}"),
        415,
        "unsupported-media-type");
    assertProblem(
        http.send("POST", "/tasks", "application/x-www-form-urlencoded", "title=x"),
        415,
        "unsupported-media-type");
    assertProblem(
        http.send("POST", "/tasks", null, "{\"title\":\"x\"}"), 415, "unsupported-media-type");
    assertProblem(
        http.send("PATCH", "/tasks/1", "text/plain", "{}"), 415, "unsupported-media-type");
    assertProblem(http.send("POST", "/tasks", "text/plain", null), 415, "unsupported-media-type");
    assertProblem(
        http.send("POST", "/tasks", "application/merge-patch+json", "{\"title\":\"x\"}"),
        415,
        "unsupported-media-type");
    var charset =
        http.send("POST", "/tasks", "application/json; charset=utf-8", "{\"title\":\"ok\"}");
    assertEquals(201, charset.status(), "parameters of the media type are fine");
  }

  @Test
  void bodyOver64KiBIsTooLarge() {
    String big = "{\"title\":\"x\",\"description\":\"" + "d".repeat(64 * 1024) + "\"}";
    assertProblem(http.post("/tasks", big), 413, "payload-too-large");
    assertProblem(http.patch("/tasks/1", big), 413, "payload-too-large");
    String justUnder = "{\"title\":\"x\",\"pad\":\"" + "p".repeat(64 * 1024 - 40) + "\"}";
    assertEquals(201, http.post("/tasks", justUnder).status(), "64 KiB is accepted");
  }

  @Test
  void unknownPathIsNotFound() {
    var response = http.get("/nothing/here");
    assertProblem(response, 404, "not-found");
    assertEquals("/nothing/here", response.json().get("instance").asText());
  }

  @Test
  void wrongMethodIsNotAllowedWithAllow() {
    var onCollection = http.send("PUT", "/tasks", "application/json", "{}");
    assertProblem(onCollection, 405, "method-not-allowed");
    assertEquals("GET, HEAD, POST", onCollection.header("allow").orElseThrow());

    var onItem = http.send("POST", "/tasks/1", "application/json", "{}");
    assertProblem(onItem, 405, "method-not-allowed");
    assertEquals("DELETE, GET, HEAD, PATCH", onItem.header("allow").orElseThrow());

    assertEquals("GET, HEAD", http.delete("/health/live").header("allow").orElseThrow());
  }

  @Test
  void headIsAnsweredWhereverGetIs() {
    var head = http.send("HEAD", "/health/live", null, null);
    assertEquals(200, head.status());
    assertEquals("", head.body());
    assertEquals(200, http.send("HEAD", "/tasks", null, null).status());
  }

  @Test
  void requestIdIsEchoedOrGenerated() {
    var generated = http.get("/tasks/999");
    String id = generated.header("x-request-id").orElseThrow();
    assertEquals(id, generated.json().get("request_id").asText());

    var request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/nothing"))
            .header("X-Request-Id", "gateway-abc.123")
            .build();
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals("gateway-abc.123", response.headers().firstValue("x-request-id").orElseThrow());
      assertTrue(response.body().contains("\"request_id\":\"gateway-abc.123\""));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void unexpectedErrorIs500WithRequestIdAndNoInternals() {
    try (var server = TestServer.start(database);
        var log = new LogCapture(Problems.class.getName(), Level.ERROR)) {
      server.sql("ALTER TABLE tasks RENAME TO tasks_sabotaged");

      var response = server.http().get("/tasks/1");

      assertProblem(response, 500, "internal-error");
      String requestId = response.json().get("request_id").asText();
      assertEquals(requestId, response.header("x-request-id").orElseThrow());
      String body = response.body().toLowerCase();
      for (String leak :
          List.of("tasks_sabotaged", "select", "exception", "sqlite", "pg", " at ")) {
        assertFalse(body.contains(leak), "body leaks '" + leak + "': " + body);
      }
      String logged = log.text();
      assertTrue(logged.contains(requestId), "log names the request id: " + logged);
      assertTrue(
          log.events().stream().anyMatch(e -> e.getThrowableProxy() != null),
          "log has the throwable");
    }
  }

  @Test
  void lockedDatabaseIs503WithRetryAfter() {
    // A writer holds the lock (SQLite: a write transaction; PostgreSQL: the row) past the limits.
    var env =
        Map.of(
            "DB_POOL_SIZE",
            "4",
            "DB_POOL_ACQUIRE_TIMEOUT_MS",
            "300",
            "DB_STATEMENT_TIMEOUT_MS",
            "300");
    try (var server = TestServer.start(database, env)) {
      long id = server.http().post("/tasks", "{\"title\":\"x\"}").json().get("id").asLong();
      SqlConnection holder = server.app().database().writes().getConnection().await();
      var tx = holder.begin().await();
      try {
        holder.query("UPDATE tasks SET title = 'locked' WHERE id = " + id).execute().await();

        var response = server.http().patch("/tasks/" + id, "{\"title\":\"blocked\"}");

        assertProblem(response, 503, "service-unavailable");
        assertTrue(response.header("retry-after").isPresent());
      } finally {
        tx.rollback().await();
        holder.close().await();
      }
      assertEquals(
          200, server.http().patch("/tasks/" + id, "{\"title\":\"free\"}").status(), "recovers");
    }
  }

  @Test
  void exhaustedPoolFailsFastWith503AndRetryAfter() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "1",
            "DB_POOL_ACQUIRE_TIMEOUT_MS", "300",
            "DB_LOCK_TIMEOUT_MS", "2000");
    try (var server = TestServer.start(database, env)) {
      long id = server.http().post("/tasks", "{\"title\":\"x\"}").json().get("id").asLong();
      // PostgreSQL: the test takes the pool's only connection. SQLite: reads have threads of
      // their own (and WAL readers never wait), so the test makes the one writer wait for the
      // write lock instead, and the next writes queue behind it.
      boolean sqlite = database == TestDatabase.SQLITE;
      SqlConnection held = server.app().database().writes().getConnection().await();
      Transaction tx = sqlite ? held.begin().await() : null;
      Thread stuck = null;
      if (sqlite) {
        held.query("UPDATE tasks SET title = 'held' WHERE id = " + id).execute().await();
        stuck =
            Thread.ofVirtual()
                .start(() -> server.http().patch("/tasks/" + id, "{\"title\":\"waits\"}"));
        Thread.sleep(200);
      }
      try {
        long start = System.nanoTime();
        var response =
            sqlite
                ? server.http().post("/tasks", "{\"title\":\"y\"}")
                : server.http().get("/tasks/" + id);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertProblem(response, 503, "service-unavailable");
        assertEquals("1", response.header("retry-after").orElseThrow());
        assertTrue(millis < (sqlite ? 1500 : 3000), "failed fast, after " + millis + " ms");
        assertProblem(
            server.http().post("/tasks", "{\"title\":\"y\"}"), 503, "service-unavailable");
      } finally {
        if (tx != null) {
          tx.rollback().await();
        }
        held.close().await();
        if (stuck != null) {
          stuck.join();
        }
      }
      assertEquals(
          200, server.http().get("/tasks/" + id).status(), "recovers once a connection is free");
      assertEquals(201, server.http().post("/tasks", "{\"title\":\"z\"}").status(), "writes too");
    }
  }
}
