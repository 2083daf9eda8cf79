package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code LOG_LEVEL=DEBUG} reads well: each 4xx is one DEBUG line with its real status, not preceded
 * by vertx-web's "RoutingContext failure (500)"; a SQLite statement is not a "No parameter has been
 * set yet" stack trace; a request does not make Micrometer say a gauge exists. The levels that make
 * it so are in logback-levels.xml, which the tests' configuration includes like production's.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DebugLogIT {
  @Parameter TestDatabase database;

  @Test
  void debugShowsEach4xxOnceAndNoDriverNoise() {
    try (var server = TestServer.start(database, Map.of("SQL_ECHO", "true"));
        var root = new LogCapture("ROOT", Level.DEBUG);
        var ours = new LogCapture("dev.taskloop", Level.DEBUG)) {
      var http = server.http().withHeader("X-Request-Id", "debug-1");
      long id = http.post("/tasks", "{\"title\":\"debug\"}").json().get("id").asLong();
      assertEquals(200, http.get("/tasks/" + id).status());
      assertEquals(404, http.get("/tasks/" + (id + 1000)).status());
      assertEquals(422, http.post("/tasks", "{\"title\":\"\"}").status());
      assertEquals(401, server.anonymous().get("/tasks").status());

      List<ILoggingEvent> events = root.events();
      String text = root.text();
      assertTrue(
          events.stream()
              .anyMatch(
                  e ->
                      e.getFormattedMessage()
                          .endsWith("-> 404 Task " + (id + 1000) + " does not exist")),
          () -> "the 404 at DEBUG, once: " + text);
      for (ILoggingEvent event : events) {
        String message = event.getFormattedMessage();
        assertTrue(!message.startsWith("RoutingContext failure"), () -> "vertx-web noise: " + text);
        assertTrue(
            !message.contains("has been already registered"), () -> "Micrometer noise: " + text);
        for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
          assertTrue(
              !String.valueOf(t.getMessage()).contains("No parameter has been set yet"),
              () -> "JDBC noise: " + text);
        }
      }
      long debugLines = events.stream().filter(e -> e.getLevel() == Level.DEBUG).count();
      assertTrue(debugLines >= 3, () -> "DEBUG was on: " + text);
    }
  }
}
