package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.Eventually;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.RawHttp;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One access-log line per request, whatever its outcome, naming the route template (never the raw
 * path), the status, the time, the bytes, the user id (never the key or the email) and the client;
 * the request id rides in the line's MDC.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AccessLogIT {
  private static final Pattern LINE =
      Pattern.compile(
          "(\\S+) (\\S+) (\\d{3}) (\\d+\\.\\d{1,2}) ms (\\d+) B user=(\\S+) client=(\\S+)( incomplete)?");

  @Parameter TestDatabase database;

  /** One parsed line, with its MDC request id. */
  private record Line(
      String requestId,
      String method,
      String route,
      int status,
      double millis,
      long bytes,
      String user,
      String client,
      boolean incomplete) {}

  @Test
  void everyAnswerIsOneLineWithItsRouteTemplateStatusUserAndRequestId() throws Exception {
    try (var server = TestServer.start(database);
        var log = new LogCapture(AccessLog.LOGGER, Level.INFO)) {
      var http = server.http().withHeader("X-Request-Id", "access-1");
      var created = http.post("/tasks", "{\"title\":\"logged\"}");
      long id = created.json().get("id").asLong();
      var got = http.get("/tasks/" + id);
      http.get("/tasks/" + (id + 1000)); // 404 problem on a route
      http.get("/no/such/path"); // 404 with no route
      server.anonymous().withHeader("X-Request-Id", "access-anonymous").get("/tasks");
      http.post("/tasks", "{\"title\":\"" + "x".repeat(70_000) + "\"}"); // 413, body unread
      var malformed =
          RawHttp.exchange(
              server.app().port(),
              "GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\nX-Request-Id: access-bad\r\n\r\n");
      assertEquals(400, malformed.status(), malformed::toString);

      var lines = awaitLines(log, 7);
      assertEquals(7, lines.size(), () -> "one line per request: " + log.text());
      String owner = server.ownerId();
      assertLine(lines.get(0), "access-1", "POST", "/tasks", 201, owner);
      assertLine(lines.get(1), "access-1", "GET", "/tasks/{id}", 200, owner);
      assertEquals(got.body().getBytes(StandardCharsets.UTF_8).length, lines.get(1).bytes());
      assertLine(lines.get(2), "access-1", "GET", "/tasks/{id}", 404, owner);
      assertLine(lines.get(3), "access-1", "GET", AccessLog.UNMATCHED, 404, "-");
      assertLine(lines.get(4), "access-anonymous", "GET", "/tasks", 401, "-");
      assertLine(lines.get(5), "access-1", "POST", "/tasks", 413, owner); // after authentication
      String malformedId = malformed.header("x-request-id");
      assertTrue(malformedId != null && !malformedId.isEmpty(), malformed::toString);
      assertLine(lines.get(6), malformedId, "GET", AccessLog.UNMATCHED, 400, "-");
      for (Line line : lines) {
        assertEquals("127.0.0.1", line.client());
        assertFalse(line.incomplete(), line::toString);
        assertTrue(line.millis() >= 0 && line.millis() < 5000, line::toString);
      }
      String text = log.text();
      assertFalse(text.contains("/tasks/" + id), "no raw path: " + text);
      assertFalse(text.contains("/no/such/path"), "no raw path: " + text);
      assertFalse(text.contains(TestServer.OWNER_EMAIL), "no email: " + text);
      assertFalse(text.contains("tl_"), "no key: " + text);
    }
  }

  @Test
  void accessLogFalseWritesNoLine() throws Exception {
    try (var server = TestServer.start(database, Map.of("ACCESS_LOG", "false"));
        var log = new LogCapture(AccessLog.LOGGER, Level.INFO)) {
      assertEquals(200, server.http().get("/tasks").status());
      assertEquals(404, server.http().get("/nope").status());
      Thread.sleep(300); // a line would have been written by now
      assertEquals(List.of(), log.events(), log::text);
    }
  }

  @Test
  void aClientThatHangsUpBeforeTheAnswerIs499() throws Exception {
    var env =
        Map.of("REPORT_WORKERS", "1", "REPORT_QUEUE", "1", "REPORT_SIMULATED_LATENCY_MS", "1500");
    try (var server = TestServer.start(database, env);
        var log = new LogCapture(AccessLog.LOGGER, Level.INFO)) {
      String key = server.loginOwner().json().get("key").asText();
      try (var socket = new Socket("127.0.0.1", server.app().port())) {
        String request =
            "GET /reports/summary HTTP/1.1\r\nHost: x\r\nX-Request-Id: hung-up\r\n"
                + "Authorization: Bearer "
                + key
                + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        Thread.sleep(300); // the report is running
      }
      var lines = awaitLines(log, 2);
      Line hungUp = lines.getLast();
      assertLine(hungUp, "hung-up", "GET", "/reports/summary", AccessLog.CLOSED, server.ownerId());
      assertTrue(hungUp.incomplete(), hungUp::toString);
    }
  }

  /**
   * A 408 is sent by the connection sweep, on the server's context rather than the request's: its
   * line still carries the request's id (the one in the response header), and its route.
   */
  @Test
  void aLateBodyIs408WithTheRequestsOwnId() throws Exception {
    try (var server = TestServer.start(database, Map.of("HTTP_BODY_TIMEOUT_MS", "300"));
        var log = new LogCapture(AccessLog.LOGGER, Level.INFO)) {
      RawHttp.Response response;
      try (var socket = new Socket("127.0.0.1", server.app().port())) {
        String head =
            "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        socket.setSoTimeout(5000);
        response = RawHttp.read(socket.getInputStream());
      }
      assertEquals(408, response.status(), response::toString);
      Line line = awaitLines(log, 1).getFirst();
      assertLine(line, response.header("x-request-id"), "POST", "/users", 408, "-");
    }
  }

  private static void assertLine(
      Line line, String requestId, String method, String route, int status, String user) {
    assertEquals(requestId, line.requestId(), line::toString);
    assertEquals(method, line.method(), line::toString);
    assertEquals(route, line.route(), line::toString);
    assertEquals(status, line.status(), line::toString);
    assertEquals(user, line.user(), line::toString);
  }

  private static List<Line> awaitLines(LogCapture log, int count) {
    return Eventually.until(() -> lines(log.events()), lines -> lines.size() >= count);
  }

  private static List<Line> lines(List<ILoggingEvent> events) {
    return events.stream().map(AccessLogIT::parse).toList();
  }

  private static Line parse(ILoggingEvent event) {
    assertEquals(Level.INFO, event.getLevel());
    Matcher m = LINE.matcher(event.getFormattedMessage());
    assertTrue(m.matches(), "access line shape: " + event.getFormattedMessage());
    return new Line(
        event.getMDCPropertyMap().get("requestId"),
        m.group(1),
        m.group(2),
        Integer.parseInt(m.group(3)),
        Double.parseDouble(m.group(4)),
        Long.parseLong(m.group(5)),
        m.group(6),
        m.group(7),
        m.group(8) != null);
  }
}
