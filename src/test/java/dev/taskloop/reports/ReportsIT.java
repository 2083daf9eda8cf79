package dev.taskloop.reports;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The blocking summary report: its figures, its isolation, and the event loop staying free. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ReportsIT {
  @Parameter TestDatabase database;

  @Test
  void summarisesTheCallersCatalogAndTasks() {
    try (var server = TestServer.start(database)) {
      Http http = server.http();
      long books = http.post("/categories", "{\"name\":\"Books\"}").json().get("id").asLong();
      http.post("/categories", "{\"name\":\"Empty\"}");
      for (String price : new String[] {"10.00", "0.10", "0.20"}) {
        http.post(
            "/items", "{\"category_id\":" + books + ",\"name\":\"b\",\"price\":\"" + price + "\"}");
      }
      long done = http.post("/tasks", "{\"title\":\"a\"}").json().get("id").asLong();
      http.post("/tasks", "{\"title\":\"b\"}");
      http.post("/tasks", "{\"title\":\"c\"}");
      http.patch("/tasks/" + done, "{\"is_completed\":true}");
      Http other = server.newUser("report-other@example.com");
      other.post("/tasks", "{\"title\":\"not mine\"}");
      other.post("/categories", "{\"name\":\"Theirs\"}");

      var response = http.get("/reports/summary");

      assertEquals(200, response.status(), response::toString);
      JsonNode report = response.json();
      assertEquals(2, report.get("categories").size());
      JsonNode first = report.get("categories").get(0);
      assertEquals("Books", first.get("name").asText());
      assertEquals(3, first.get("item_count").asLong());
      assertEquals("10.30", first.get("total_price").asText(), "exact: no 10.299999");
      assertEquals("3.43", first.get("average_price").asText());
      assertTrue(report.get("categories").get(1).get("average_price").isNull());
      JsonNode tasks = report.get("tasks");
      assertEquals(3, tasks.get("total").asLong());
      assertEquals(1, tasks.get("completed").asLong());
      assertEquals(2, tasks.get("open").asLong());
      assertEquals(0.3333, tasks.get("completion_ratio").asDouble(), 1e-9);
      JsonNode days = tasks.get("created_per_day");
      assertEquals(30, days.size());
      JsonNode today = days.get(29);
      assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), today.get("date").asText());
      assertEquals(3, today.get("count").asLong());
    }
  }

  @Test
  void busyReportWorkersNeitherBlockTheEventLoopNorQueueForever() throws Exception {
    var env =
        Map.of("REPORT_WORKERS", "1", "REPORT_QUEUE", "1", "REPORT_SIMULATED_LATENCY_MS", "2500");
    try (var server = TestServer.start(database, env)) {
      Http http = server.http();
      long task = http.post("/tasks", "{\"title\":\"still here\"}").json().get("id").asLong();
      var running = new ArrayList<CompletableFuture<Http.Response>>();
      for (int i = 0; i < 2; i++) { // one on the worker, one in the queue
        running.add(CompletableFuture.supplyAsync(() -> http.get("/reports/summary")));
      }
      Thread.sleep(500);

      long start = System.nanoTime();
      var rejected = http.get("/reports/summary");
      long rejectMillis = (System.nanoTime() - start) / 1_000_000;
      assertProblem(rejected, 503, "service-unavailable");
      assertTrue(rejected.header("retry-after").isPresent());
      assertTrue(rejectMillis < 1000, "503 at once, not after waiting: " + rejectMillis + " ms");

      for (int i = 0; i < 5; i++) {
        start = System.nanoTime();
        assertEquals(200, http.get("/health/live").status());
        assertEquals(200, http.get("/tasks/" + task).status());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 500, "the event loop answered in " + millis + " ms while reports ran");
      }
      for (var report : running) {
        assertEquals(200, report.get().status());
      }
    }
  }
}
