package dev.taskloop.system.observe;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code MANAGEMENT_PORT} moves {@code /metrics} (and {@code /admin/*}) to a listener of its own;
 * the probes answer on both; {@code METRICS_ENABLED=false} removes {@code /metrics}.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ManagementPortIT {
  @Parameter TestDatabase database;

  @Test
  void metricsMoveToTheManagementPortAndTheProbesAnswerOnBoth() {
    try (var server = TestServer.start(database, Map.of("MANAGEMENT_PORT", "0"))) {
      int port = server.app().managementPort();
      assertTrue(port > 0, "bound: " + port);
      assertNotEquals(server.app().port(), port);
      Http management = new Http("http://127.0.0.1:" + port);

      assertEquals(1, Scrape.of(management).samples("taskloop_build_info").size());
      assertProblem(server.anonymous().get("/metrics"), 404, "not-found");
      assertProblem(server.http().get("/metrics"), 404, "not-found");
      assertTrue(
          server.app().routes().endpoints().stream()
              .noneMatch(e -> e.path().equals("/metrics") || e.path().startsWith("/admin/")),
          "the main port has no operator endpoint");
      for (Http port1 : List.of(server.anonymous(), management)) {
        assertEquals(200, port1.get("/health/live").status(), port1.base());
        assertEquals(200, port1.get("/health/ready").status(), port1.base());
      }
      // The API is not served there; its answers are the API's all the same.
      var api = management.get("/tasks");
      assertProblem(api, 404, "not-found");
      assertTrue(api.header("x-request-id").isPresent());

      // What the main port serves is measured, and seen on the management port.
      String[] tasks = {"route", "/tasks", "code", "200"};
      double before = Scrape.of(management).value(MetricsIT.REQUESTS, tasks);
      assertEquals(200, server.http().get("/tasks").status());
      var after = Scrape.until(management, s -> s.value(MetricsIT.REQUESTS, tasks) > before);
      assertEquals(before + 1, after.value(MetricsIT.REQUESTS, tasks));
    }
  }

  @Test
  void withoutTheManagementPortMetricsAreOnTheMainPort() {
    try (var server = TestServer.start(database)) {
      assertEquals(-1, server.app().managementPort());
      assertEquals(1, Scrape.of(server.anonymous()).samples("taskloop_build_info").size());
    }
  }

  @Test
  void metricsDisabledIsA404OnEitherPort() {
    var env = Map.of("METRICS_ENABLED", "false", "MANAGEMENT_PORT", "0");
    try (var server = TestServer.start(database, env)) {
      Http management = new Http("http://127.0.0.1:" + server.app().managementPort());
      assertProblem(management.get("/metrics"), 404, "not-found");
      assertProblem(server.anonymous().get("/metrics"), 404, "not-found");
      assertEquals(200, management.get("/health/ready").status());
    }
    try (var server = TestServer.start(database, Map.of("METRICS_ENABLED", "false"))) {
      assertProblem(server.anonymous().get("/metrics"), 404, "not-found");
      assertEquals(200, server.http().get("/tasks").status());
    }
  }
}
