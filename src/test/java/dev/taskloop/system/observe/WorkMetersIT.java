package dev.taskloop.system.observe;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.BulkTasks;
import dev.taskloop.support.Http;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.StalledExport;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bounded pools ({@code taskloop_work_*}: reports, password hashing, exports) and the login
 * limits, each driven to its bound on a server of its own.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class WorkMetersIT {
  private static final String ACTIVE = "taskloop_work_active";
  private static final String QUEUED = "taskloop_work_queued";
  private static final String REJECTED = "taskloop_work_rejected_total";

  @Parameter TestDatabase database;

  @Test
  void reportWorkersShowRunningQueuedAndRejectedReports() throws Exception {
    var env =
        Map.of("REPORT_WORKERS", "1", "REPORT_QUEUE", "1", "REPORT_SIMULATED_LATENCY_MS", "1500");
    try (var server = TestServer.start(database, env)) {
      Http http = server.http();
      String[] reports = {"pool", "reports"};
      var running = new ArrayList<CompletableFuture<Http.Response>>();
      running.add(CompletableFuture.supplyAsync(() -> http.get("/reports/summary")));
      Scrape.until(http, s -> s.value(ACTIVE, reports) == 1);
      running.add(CompletableFuture.supplyAsync(() -> http.get("/reports/summary")));
      var busy = Scrape.until(http, s -> s.value(QUEUED, reports) == 1);
      assertEquals(1, busy.value(ACTIVE, reports));
      assertEquals(1, busy.value(QUEUED, reports));
      assertEquals(0, busy.value(REJECTED, reports));

      assertProblem(http.get("/reports/summary"), 503, "service-unavailable");
      assertEquals(
          1, Scrape.until(http, s -> s.value(REJECTED, reports) == 1).value(REJECTED, reports));
      for (var report : running) {
        assertEquals(200, report.get().status());
      }
      var idle = Scrape.until(http, s -> s.value(ACTIVE, reports) == 0);
      assertEquals(0, idle.value(ACTIVE, reports));
      assertEquals(0, idle.value(QUEUED, reports));
    }
  }

  @Test
  void passwordHashingPastItsQueueIsRefusedAndCounted() throws Exception {
    // One worker: 32 hashes may run or wait (PasswordHasher.QUEUE_PER_WORKER). At 4 MiB x 2 a hash
    // takes tens of ms, so 32 of them stay queued long enough for the rest to arrive and be
    // refused, without starving the event loops of a small machine.
    var env =
        Map.of(
            "PASSWORD_HASH_WORKERS", "1",
            "PASSWORD_HASH_MEMORY_KIB", "4096",
            "PASSWORD_HASH_ITERATIONS", "2",
            "LOGIN_MAX_FAILURES", "1000",
            "LOGIN_MAX_FAILURES_PER_ADDRESS", "1000");
    int logins = 64; // twice what may wait, so that some arrive while it is full
    try (var server = TestServer.start(database, env);
        var clients = Executors.newFixedThreadPool(logins)) {
      String[] hashing = {"pool", "password_hashing"};
      var answers = new ArrayList<CompletableFuture<Http.Response>>();
      for (int i = 0; i < logins; i++) {
        String body = "{\"email\":\"nobody" + i + "@example.com\",\"password\":\"wrong-password\"}";
        answers.add(
            CompletableFuture.supplyAsync(
                () -> server.anonymous().post("/auth/api-keys", body), clients));
      }
      var busy =
          Scrape.until(
              server.http(), s -> s.value(QUEUED, hashing) > 0 && s.value(ACTIVE, hashing) == 1);
      assertEquals(1, busy.value(ACTIVE, hashing), "one worker");
      assertTrue(busy.value(QUEUED, hashing) > 0, "hashes wait for it");

      int refused = 0;
      for (var answer : answers) {
        int status = answer.get().status();
        assertTrue(status == 401 || status == 503, "status " + status);
        refused += status == 503 ? 1 : 0;
      }
      assertTrue(refused > 0, "some logins found the queue full");
      int expected = refused;
      var after = Scrape.until(server.http(), s -> s.value(REJECTED, hashing) == expected);
      assertEquals(refused, after.value(REJECTED, hashing));
      assertEquals(0, after.value(QUEUED, hashing));
    }
  }

  @Test
  void exportsShowStreamingWaitingAndRejectedExports() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "2", "DB_EXPORT_POOL_SIZE", "1", "DB_POOL_ACQUIRE_TIMEOUT_MS", "1500");
    try (var server = TestServer.start(database, env)) {
      BulkTasks.insert(server, 30_000);
      Http http = server.http();
      String[] exports = {"pool", "exports"};
      String key = server.loginOwner().json().get("key").asText();
      try (Socket stalled = StalledExport.open(server, key)) {
        var streaming = Scrape.until(http, s -> s.value(ACTIVE, exports) == 1);
        assertEquals(1, streaming.value(ACTIVE, exports));
        assertTrue(streaming.value("taskloop_export_rows_total", "format", "ndjson") > 0);

        var second = CompletableFuture.supplyAsync(() -> http.get("/tasks/export"));
        var waiting = Scrape.until(http, s -> s.value(QUEUED, exports) == 1);
        assertEquals(1, waiting.value(QUEUED, exports), "the second export waits for a connection");
        assertProblem(second.get(), 503, "service-unavailable");
        var refused = Scrape.until(http, s -> s.value(REJECTED, exports) == 1);
        assertEquals(1, refused.value(REJECTED, exports));
        assertEquals(0, refused.value(QUEUED, exports));
      }
      var over = Scrape.until(http, s -> s.value(ACTIVE, exports) == 0);
      assertEquals(0, over.value(ACTIVE, exports), "the abandoned export ended");
    }
  }

  @Test
  void loginLimitsCountTheir429sByLimitAndTheFailedLogins() {
    try (var server =
        TestServer.start(
            database, Map.of("LOGIN_MAX_FAILURES", "2", "LOGIN_MAX_FAILURES_PER_ADDRESS", "2"))) {
      Http anonymous = server.anonymous();
      String wrong = "{\"email\":\"victim@example.com\",\"password\":\"wrong-password\"}";
      for (int i = 0; i < 2; i++) {
        assertProblem(anonymous.post("/auth/api-keys", wrong), 401, "unauthorized");
      }
      assertProblem(anonymous.post("/auth/api-keys", wrong), 429, "too-many-requests");
      String other = "{\"email\":\"other@example.com\",\"password\":\"wrong-password\"}";
      // this address has used its failures too
      assertProblem(anonymous.post("/auth/api-keys", other), 429, "too-many-requests");

      String limited = "taskloop_login_limited_total";
      var scrape =
          Scrape.until(
              server.http(),
              s -> s.value(MetricsIT.REQUESTS, "route", "/auth/api-keys", "code", "429") == 2);
      assertEquals(1, scrape.value(limited, "limit", "email"));
      assertEquals(1, scrape.value(limited, "limit", "address"));
      assertEquals(0, scrape.value(limited, "limit", "user"));
      assertEquals(2, scrape.value("taskloop_login_failures_total"));
      assertEquals(2, scrape.value(MetricsIT.REQUESTS, "route", "/auth/api-keys", "code", "429"));
    }
  }
}
