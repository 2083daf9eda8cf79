package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Liveness never depends on the database; readiness does. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class HealthIT {
  @Parameter TestDatabase database;

  @Test
  void liveAndReadyWhenDatabaseAnswers() {
    try (var server = TestServer.start(database)) {
      var live = server.http().get("/health/live");
      assertEquals(200, live.status());
      assertEquals("ok", live.json().get("status").asText());
      var ready = server.http().get("/health/ready/");
      assertEquals(200, ready.status());
      assertEquals("ok", ready.json().get("status").asText());
    }
  }

  @Test
  void notReadyButStillLiveWhenDatabaseIsGone() {
    try (var server = TestServer.start(database)) {
      server.app().database().close().await();

      var ready = server.http().get("/health/ready");
      assertEquals(503, ready.status(), ready::toString);
      assertTrue(ready.contentType().startsWith("application/problem+json"));
      assertTrue(ready.header("retry-after").isPresent());
      assertEquals(
          200,
          server.http().get("/health/live").status(),
          "liveness must not restart a pod for its database");
    }
  }
}
