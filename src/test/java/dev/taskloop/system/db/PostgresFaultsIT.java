package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.FaultProxy;
import dev.taskloop.support.FaultProxy.Mode;
import dev.taskloop.support.Http;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.DatabaseUrl;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away under load, without touching the shared server: the service reaches it
 * through a {@link FaultProxy} that cuts, stalls and refuses connections. Every answer during an
 * outage is 503 problem+json with Retry-After (never a 500 or a hang), one WARN line each and no
 * stack trace; no acknowledged write is lost; writes and readiness are back within 2 s of the
 * database accepting connections; and no connection attempt leaves a server process waiting.
 */
class PostgresFaultsIT {
  private static final Map<String, String> ENV =
      Map.of(
          "DB_POOL_SIZE", "4",
          "DB_POOL_ACQUIRE_TIMEOUT_MS", "500",
          "DB_CONNECT_TIMEOUT_MS", "500",
          "DB_STATEMENT_TIMEOUT_MS", "1000");

  /** What one writer saw: every status, and the id of every task acknowledged with 201. */
  private record Outcome(long at, int status, boolean retryAfter, boolean problem, long id) {}

  private static TestServer start(FaultProxy proxy) {
    return TestServer.start(TestDatabase.POSTGRESQL, ENV, TestServer.viaPort(proxy.port()));
  }

  @Test
  void anOutageIs503ThroughoutAndWritesRecoverWithin2sLosingNothing() throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy);
        var log = new LogCapture("", Level.WARN)) {
      var outcomes = new ConcurrentLinkedQueue<Outcome>();
      var stop = new AtomicBoolean();
      var writers = new ArrayList<Thread>();
      for (int i = 0; i < 8; i++) {
        int writer = i;
        writers.add(Thread.ofVirtual().start(() -> write(server.http(), writer, stop, outcomes)));
      }
      Thread.sleep(500);
      proxy.mode(Mode.DOWN); // the server stops: connections cut, new ones refused
      Thread.sleep(800);
      proxy.mode(Mode.STARTING_UP); // it accepts again, but answers 57P03
      Thread.sleep(500);
      long back = System.nanoTime();
      proxy.mode(Mode.PASS);
      long readyAfter = awaitReady(server.anonymous(), back);
      Thread.sleep(1500);
      stop.set(true);
      for (Thread writer : writers) {
        writer.join();
      }

      var statuses = new TreeMap<Integer, Integer>();
      outcomes.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
      assertTrue(Set.of(201, 503).containsAll(statuses.keySet()), "only 201 and 503: " + statuses);
      assertTrue(statuses.getOrDefault(503, 0) > 0, "the outage was seen: " + statuses);
      for (Outcome o : outcomes) {
        if (o.status() == 503) {
          assertTrue(o.retryAfter() && o.problem(), "503 with Retry-After, problem+json");
        }
      }
      long firstWrite =
          outcomes.stream()
              .filter(o -> o.status() == 201 && o.at() > back)
              .mapToLong(o -> (o.at() - back) / 1_000_000)
              .min()
              .orElse(Long.MAX_VALUE);
      assertTrue(firstWrite <= 2000, "writes back after " + firstWrite + " ms");
      assertTrue(readyAfter <= 2000, "ready after " + readyAfter + " ms");

      List<Long> acknowledged =
          outcomes.stream().filter(o -> o.status() == 201).map(Outcome::id).toList();
      assertEquals(acknowledged.size(), countTasks(server, acknowledged), "acknowledged = stored");

      String logged = log.text();
      assertFalse(logged.contains("ERROR "), logged);
      assertFalse(logged.contains("\n  at "), "no stack traces: " + logged);
    }
  }

  private static void write(
      Http http, int writer, AtomicBoolean stop, ConcurrentLinkedQueue<Outcome> outcomes) {
    int n = 0;
    while (!stop.get()) {
      var response = http.post("/tasks", "{\"title\":\"w" + writer + "-" + n++ + "\"}");
      long id = response.status() == 201 ? response.json().get("id").asLong() : -1;
      outcomes.add(
          new Outcome(
              System.nanoTime(),
              response.status(),
              response.header("retry-after").isPresent(),
              response.contentType().startsWith("application/problem+json"),
              id));
      if (response.status() != 201) {
        sleepQuietly(20);
      }
    }
  }

  private static long awaitReady(Http http, long since) {
    while (http.get("/health/ready").status() != 200) {
      if (System.nanoTime() - since > 10_000_000_000L) {
        break;
      }
      sleepQuietly(20);
    }
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static long countTasks(TestServer server, List<Long> ids) throws Exception {
    var db = (DatabaseUrl.Postgres) server.database().parsed();
    try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var statement = c.prepareStatement("SELECT count(*) FROM tasks WHERE id = ANY (?)")) {
      statement.setArray(1, c.createArrayOf("bigint", ids.toArray()));
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Test
  void noConnectionAttemptLeavesAServerProcessWaiting() throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy)) {
      var http = server.http();
      for (int round = 0; round < 3; round++) { // each round forces fresh connections
        proxy.mode(Mode.DOWN);
        proxy.mode(Mode.PASS);
        for (int i = 0; i < 20; i++) {
          http.get("/tasks?limit=1");
          http.post("/tasks", "{\"title\":\"handshake\"}");
        }
        assertEquals(200, server.anonymous().get("/health/ready").status());
      }
      Thread.sleep(1200);
      assertTrue(proxy.accepted() > 3, "connections were made: " + proxy.accepted());
      assertEquals(
          0,
          proxy.halfOpenHandshakes(1000),
          "connections that sent an SSL request and then nothing, holding a server process");
    }
  }

  @Test
  void aDatabaseThatStallsMidRequestIs503WithinTheTimeouts() throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy)) {
      var http = server.http();
      long id = http.post("/tasks", "{\"title\":\"stall\"}").json().get("id").asLong();
      assertEquals(200, http.get("/tasks/" + id).status());
      proxy.mode(Mode.STALL);
      for (String path : List.of("/tasks/" + id, "/tasks?limit=5", "/reports/summary")) {
        long start = System.nanoTime();
        var response = http.get(path);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, response.status(), path + ": " + response);
        assertTrue(response.header("retry-after").isPresent(), path);
        assertTrue(millis < 4000, path + " answered after " + millis + " ms");
      }
      var write = http.post("/tasks", "{\"title\":\"stalled\"}");
      assertEquals(503, write.status(), write::toString);
      assertEquals(503, server.anonymous().get("/health/ready").status(), "not ready meanwhile");
      proxy.mode(Mode.PASS);
      long back = System.nanoTime();
      assertTrue(awaitReady(server.anonymous(), back) <= 2000, "ready again");
      assertEquals(200, http.get("/tasks/" + id).status(), "reads again");
    }
  }

  @Test
  void shutdownDoesNotHangOnAStalledDatabase() {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432)) {
      var server = start(proxy);
      assertEquals(201, server.http().post("/tasks", "{\"title\":\"before\"}").status());
      proxy.mode(Mode.STALL);
      Thread.ofVirtual().start(() -> server.http().get("/tasks?limit=1")); // stuck in the pipeline
      long start = System.nanoTime();
      server.close();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 15_000, "stopped after " + millis + " ms");
    }
  }

  @Test
  void theReportIs503WhenTheDatabaseIsDown() {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy);
        var log = new LogCapture("", Level.WARN)) {
      assertEquals(200, server.http().get("/reports/summary").status());
      proxy.mode(Mode.DOWN);
      var response = server.http().get("/reports/summary");
      assertEquals(503, response.status(), response::toString);
      assertTrue(response.header("retry-after").isPresent());
      proxy.mode(Mode.STARTING_UP);
      assertEquals(503, server.http().get("/reports/summary").status());
      proxy.mode(Mode.PASS);
      assertEquals(200, server.http().get("/reports/summary").status());
      assertFalse(log.text().contains("ERROR "), log.text());
    }
  }

  @Test
  void terminatedBackendsAre503AtWorstAndReconnectAtOnce() throws Exception {
    try (var server = TestServer.start(TestDatabase.POSTGRESQL, ENV)) {
      var http = server.http();
      long id = http.post("/tasks", "{\"title\":\"terminated\"}").json().get("id").asLong();
      var db = (DatabaseUrl.Postgres) server.database().parsed();
      try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          var statement = c.createStatement()) {
        // 57P01 "terminating connection due to administrator command" on every connection
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'taskloop' AND datname = current_database()");
      }
      var seen = new TreeMap<Integer, Integer>();
      long start = System.nanoTime();
      int ok = 0;
      while (ok < 5 && System.nanoTime() - start < 5_000_000_000L) {
        int read = http.get("/tasks/" + id).status();
        int write = http.patch("/tasks/" + id, "{\"title\":\"again\"}").status();
        seen.merge(read, 1, Integer::sum);
        seen.merge(write, 1, Integer::sum);
        ok = read == 200 && write == 200 ? ok + 1 : 0;
      }
      seen.keySet().forEach(status -> assertTrue(status == 200 || status == 503, "saw " + seen));
      assertEquals(5, ok, "recovered: " + seen);
      assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "within 2 s: " + seen);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
