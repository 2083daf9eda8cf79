package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskloop.support.Eventually;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.AppConfig.Observability.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What reaches stdout in each {@code LOG_FORMAT}: JSON is one parseable object per line with the
 * request id on every line of the request, SQL_ECHO and lines written after a database hop
 * included; text names the request only on its lines.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class LogFormatIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameter TestDatabase database;

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stdout;

  @BeforeEach
  void captureStdout() {
    stdout = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(stdout);
    LogSetup.apply(LogFormat.TEXT); // as the next test's server would
  }

  @Test
  void jsonLinesParseAndCarryTheRequestIdAfterADatabaseHop() {
    try (var server =
        TestServer.start(database, Map.of("LOG_FORMAT", "json", "SQL_ECHO", "true"))) {
      var http = server.http().withHeader("X-Request-Id", "json-1");
      long id = http.post("/tasks", "{\"title\":\"json\"}").json().get("id").asLong();
      assertEquals(200, http.get("/tasks/" + id).status());
      server.sql("ALTER TABLE tasks RENAME TO tasks_gone");
      var broken = server.http().withHeader("X-Request-Id", "json-500").get("/tasks/" + id);
      assertEquals(500, broken.status());

      List<JsonNode> lines =
          until(this::jsonLines, all -> has(all, "json-500", "dev.taskloop.access"));
      for (JsonNode line : lines) {
        for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
          assertTrue(line.hasNonNull(field), () -> field + " in " + line);
        }
        assertTrue(
            line.get("timestamp")
                .asText()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
            line::toString);
      }
      var sql =
          find(
              lines,
              "json-1",
              "dev.taskloop.sql",
              l -> l.get("message").asText().contains("FROM tasks WHERE id"));
      assertTrue(sql.get("message").asText().startsWith("ok "), sql::toString);
      var access =
          find(lines, "json-1", "dev.taskloop.access", l -> l.get("status").asInt() == 200);
      assertEquals("GET", access.get("method").asText());
      assertEquals("/tasks/{id}", access.get("route").asText());
      assertEquals(server.ownerId(), access.get("userId").asText());
      assertTrue(access.get("durationMs").isNumber(), access::toString);
      var error = find(lines, "json-500", "dev.taskloop.system.http.Problems", l -> true);
      assertEquals("ERROR", error.get("level").asText());
      // the driver's exception (PostgreSQL's has no frames: the reactive client makes it without)
      assertTrue(
          error.get("stack_trace").asText().matches("(?s)\\S+Exception: .+"), error::toString);
      var startup = find(lines, null, "dev.taskloop.Taskloop", l -> true);
      assertFalse(startup.has("requestId"), "no request, no id: " + startup);
    }
  }

  @Test
  void textLinesNameTheRequestOnlyOnItsOwnLines() {
    try (var server = TestServer.start(database, Map.of("SQL_ECHO", "true"))) {
      var http = server.http().withHeader("X-Request-Id", "text-1");
      long id = http.post("/tasks", "{\"title\":\"text\"}").json().get("id").asLong();
      assertEquals(200, http.get("/tasks/" + id).status());

      List<String> lines =
          until(
              this::textLines,
              all -> all.stream().anyMatch(l -> l.contains("GET /tasks/{id} 200")));
      String access =
          lines.stream().filter(l -> l.contains("GET /tasks/{id} 200")).findFirst().orElseThrow();
      assertTrue(access.contains("dev.taskloop.access [req=text-1] - "), access);
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("dev.taskloop.sql [req=text-1] - ok ")),
          () -> String.join("\n", lines));
      String startup =
          lines.stream().filter(l -> l.contains(" listening on ")).findFirst().orElseThrow();
      assertFalse(startup.contains("[req="), startup);
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("{")), "not JSON");
    }
  }

  private List<String> textLines() {
    return List.of(captured.toString(StandardCharsets.UTF_8).split("\n"));
  }

  /** Every line printed so far, each parsed: a line that is not JSON fails the test. */
  private List<JsonNode> jsonLines() {
    var parsed = new ArrayList<JsonNode>();
    for (String line : textLines()) {
      if (line.isBlank()) {
        continue;
      }
      try {
        parsed.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException("not one JSON object per line: " + line, e);
      }
    }
    return parsed;
  }

  private static boolean has(List<JsonNode> lines, String requestId, String logger) {
    return lines.stream().anyMatch(l -> matches(l, requestId, logger));
  }

  private static JsonNode find(
      List<JsonNode> lines, String requestId, String logger, Predicate<JsonNode> more) {
    return lines.stream()
        .filter(l -> matches(l, requestId, logger) && more.test(l))
        .findFirst()
        .orElseThrow(() -> new AssertionError(logger + " for " + requestId + " in " + lines));
  }

  private static boolean matches(JsonNode line, String requestId, String logger) {
    boolean sameRequest =
        requestId == null
            ? true
            : line.has("requestId") && requestId.equals(line.get("requestId").asText());
    return sameRequest && logger.equals(line.path("logger").asText());
  }

  private static <T> T until(Supplier<T> value, Predicate<T> done) {
    return Eventually.until(value, done);
  }
}
