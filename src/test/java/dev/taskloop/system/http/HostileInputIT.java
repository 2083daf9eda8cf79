package dev.taskloop.system.http;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static dev.taskloop.support.ProblemAssertions.errorMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.RawHttp;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Malformed and hostile input, sent as an attacker would (no key needed): always a 4xx problem+json
 * with a request id, never a 500, never a stack trace in the log, nothing stored altered.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class HostileInputIT extends SharedServer {
  private static final String[] JSON_ENDPOINTS = {
    "POST /users", "POST /auth/api-keys", "POST /tasks", "PATCH /tasks/1", "POST /categories"
  };

  private RawHttp.Response raw(String method, String path, String contentType, byte[] body) {
    var request = new ByteArrayOutputStream();
    request.writeBytes(
        (method
                + " "
                + path
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                + contentType
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes(body);
    return RawHttp.exchange(server.app().port(), request.toByteArray(), 5000);
  }

  private static void assertRawProblem(RawHttp.Response response, int status) {
    assertEquals(status, response.status(), response::toString);
    assertTrue(
        response.header("content-type").startsWith("application/problem+json"), response::toString);
    assertEquals(status, response.json().get("status").asInt());
    assertNotNull(response.header("x-request-id"), "request id header: " + response);
    assertEquals(response.header("x-request-id"), response.json().get("request_id").asText());
  }

  @Test
  void bodiesThatAreNotUtf8AreBadRequestsEverywhere() {
    byte[][] bodies = {
      HexFormat.of().parseHex("0000007b00000022"), // UTF-32BE '{"'
      HexFormat.of().parseHex("7b0022"), // UTF-16-ish
      "{\"title\":\"x\u00c0\u00afy\"}".getBytes(StandardCharsets.ISO_8859_1), // overlong '/'
      "{\"title\":\"x\u00ed\u00a0\u0080y\"}".getBytes(StandardCharsets.ISO_8859_1), // surrogate
      HexFormat.of().parseHex("fffe7b007d00"), // UTF-16LE with BOM
    };
    try (var log = new LogCapture("dev.taskloop", Level.ERROR)) {
      for (String endpoint : JSON_ENDPOINTS) {
        String[] parts = endpoint.split(" ");
        for (byte[] body : bodies) {
          var response = raw(parts[0], parts[1], "application/json", body);
          int expected =
              parts[1].startsWith("/tasks") || parts[1].startsWith("/categories") ? 401 : 400;
          assertRawProblem(response, expected);
        }
      }
      assertEquals("", log.text(), "client garbage is not an ERROR");
    }
    for (byte[] body : bodies) {
      assertProblem(
          http.sendBytes("POST", "/tasks", "application/json", body), 400, "malformed-request");
    }
  }

  @Test
  void deeplyNestedJsonIsBadRequestBeforeAnyWork() {
    String deep = "{\"title\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}";
    assertProblem(anonymous().post("/users", deep), 400, "malformed-request");
    assertProblem(http.post("/tasks", deep), 400, "malformed-request");
    String shallow = "{\"title\":" + "[".repeat(20) + "1" + "]".repeat(20) + "}";
    assertEquals(Set.of("title"), errorFields(http.post("/tasks", shallow)));
  }

  @Test
  void formBodiesAreNeverDecodedAndProtectedRoutesAuthenticateFirst() {
    var anonymous = raw("POST", "/tasks", "application/x-www-form-urlencoded", "%zz".getBytes());
    assertRawProblem(anonymous, 401);
    var publicRoute = raw("POST", "/users", "application/x-www-form-urlencoded", "%zz".getBytes());
    assertRawProblem(publicRoute, 415);
    var multipart = raw("POST", "/users", "multipart/form-data; boundary=x", "--x--".getBytes());
    assertRawProblem(multipart, 415);
    assertProblem(
        http.send("POST", "/tasks", "application/x-www-form-urlencoded", "%zz"),
        415,
        "unsupported-media-type");
  }

  @Test
  void anonymousCallersCannotMakeTheServerReadTheirBody() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", server.app().port())) {
      socket.setSoTimeout(5000);
      // A 60 KiB body is announced but not sent: the answer must come anyway, then the close.
      socket
          .getOutputStream()
          .write(
              "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 61440\r\n\r\n{"
                  .getBytes(StandardCharsets.ISO_8859_1));
      var response = RawHttp.read(socket.getInputStream());
      assertRawProblem(response, 401);
      assertEquals("close", response.header("connection"));
      long waitStarted = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read(), "the connection ends, nothing follows");
      long waitedMs = (System.nanoTime() - waitStarted) / 1_000_000;
      assertTrue(waitedMs < 4000, "the rest of the body is awaited ~2 s at most, was " + waitedMs);
    }
  }

  @Test
  void answersBeforeTheBodyReachClientsStillSending() {
    // Refused while the client still sends 64 KiB: the connection must not be reset under the
    // answer (it was, about 1 time in 20, when the server closed at once).
    String big = "{\"title\":\"" + "t".repeat(70 * 1024) + "\"}";
    for (int i = 0; i < 60; i++) {
      assertProblem(server.anonymous().post("/tasks", big), 401, "unauthorized");
      assertProblem(http.patch("/tasks/1", big), 413, "payload-too-large");
    }
  }

  /** One rule, one wording: a client reads the same message for a NUL in every feature. */
  @Test
  void aNulReadsTheSameInEveryFeature() {
    String nul = "\"a\\u0000b\"";
    String message = "must not contain NUL characters";
    assertEquals(
        Map.of("title", message), errorMessages(http.post("/tasks", "{\"title\":" + nul + "}")));
    assertEquals(
        Map.of("name", message), errorMessages(http.post("/categories", "{\"name\":" + nul + "}")));
    assertEquals(
        Map.of("name", message),
        errorMessages(
            http.post("/items", "{\"category_id\":1,\"price\":\"1.00\",\"name\":" + nul + "}")));
    assertEquals(
        Map.of("name", message), errorMessages(http.patch("/users/me", "{\"name\":" + nul + "}")));
    assertEquals(
        Map.of("email", message),
        errorMessages(
            server
                .anonymous()
                .post("/auth/api-keys", "{\"password\":\"long enough\",\"email\":" + nul + "}")));
  }

  /** A merge patch cannot clear a required field: the same message for tasks and items. */
  @Test
  void aNullInAPatchReadsTheSameInEveryFeature() {
    String message = "cannot be null";
    assertEquals(
        Map.of("title", message, "is_completed", message),
        errorMessages(http.patch("/tasks/1", "{\"title\":null,\"is_completed\":null}")));
    assertEquals(
        Map.of("category_id", message, "name", message, "price", message),
        errorMessages(
            http.patch("/items/1", "{\"category_id\":null,\"name\":null,\"price\":null}")));
  }

  /** Jackson keeps the low 64 bits of a larger integer: 2^64 + 5 must not become 5 days. */
  @Test
  void anIntegerBeyond64BitsIsRefusedNotTruncated() {
    assertEquals(
        Map.of("expires_in_days", "must be an integer from 1 to 3650"),
        errorMessages(
            http.post("/users/me/api-keys", "{\"expires_in_days\":18446744073709551621}")));
    assertEquals(
        Map.of("category_id", "must be an integer >= 1"),
        errorMessages(
            http.post(
                "/items",
                "{\"category_id\":18446744073709551617,\"name\":\"n\",\"price\":\"1\"}")));
  }

  @Test
  void unpairedSurrogatesAreRejectedNamingTheField() {
    assertEquals(Set.of("title"), errorFields(http.post("/tasks", "{\"title\":\"a\\ud800b\"}")));
    assertEquals(
        Set.of("description"),
        errorFields(http.post("/tasks", "{\"title\":\"ok\",\"description\":\"\\udc00\"}")));
    assertEquals(Set.of("name"), errorFields(http.post("/categories", "{\"name\":\"\\ud83d\"}")));
    var pair = http.post("/tasks", "{\"title\":\"pair \\ud83d\\ude00\"}");
    assertEquals(201, pair.status(), pair::toString);
    assertEquals("pair \ud83d\ude00", pair.json().get("title").asText(), "stored as sent");
  }

  @Test
  void malformedHttpGetsProblemJsonWithARequestId() {
    int port = server.app().port();
    assertRawProblem(RawHttp.exchange(port, "GET / HTTP/9.9\r\nHost: x\r\n\r\n"), 400);
    assertRawProblem(
        RawHttp.exchange(port, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    assertRawProblem(
        RawHttp.exchange(
            port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n"),
        431);
    assertRawProblem(RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\n\r\n"), 400); // no Host
    assertRawProblem(
        RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"),
        400);
    assertRawProblem(RawHttp.exchange(port, "\u0016\u0003\u0001\u0000\u00a5\r\n\r\n"), 400);
  }

  @Test
  void aBadChunkClosesTheConnectionWithoutAnErrorInTheLog() throws InterruptedException {
    try (var log = new LogCapture("", Level.WARN)) {
      var response =
          RawHttp.exchange(
              server.app().port(),
              "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
      assertTrue(response.status() == -1 || response.status() == 400, response::toString);
      assertEquals(200, http.get("/health/live").status(), "the server carries on");
      Thread.sleep(300); // the failure of the broken request may be handled after the close
      String logged = log.text();
      assertFalse(logged.contains("ERROR"), logged);
      assertFalse(logged.contains("\tat ") || logged.contains("  at "), logged);
    }
  }

  @Test
  void onlyCanonicalDecimalIdsResolve() {
    long id = http.post("/tasks", "{\"title\":\"canonical\"}").json().get("id").asLong();
    assertEquals(200, http.get("/tasks/" + id).status());
    for (String alias : List.of("+" + id, "0" + id, "00" + id, id + "%20", "%2B" + id, "-0")) {
      var response = http.get("/tasks/" + alias);
      assertEquals(Set.of("id"), errorFields(response), alias);
    }
    assertEquals(Set.of("skip"), errorFields(http.get("/tasks?skip=01")));
    assertEquals(Set.of("limit"), errorFields(http.get("/tasks?limit=+5")));
    assertEquals(Set.of("after"), errorFields(http.get("/tasks?after=007")));
  }

  @Test
  void exportHonoursQualityValues() {
    http.post("/tasks", "{\"title\":\"exported\"}");
    var refused = http.withHeader("Accept", "text/csv;q=0").get("/tasks/export");
    assertProblem(refused, 406, "not-acceptable");
    var json = http.withHeader("Accept", "application/json").get("/tasks/export");
    assertProblem(json, 406, "not-acceptable");
    var preferred =
        http.withHeader("Accept", "text/csv;q=0.4, application/x-ndjson;q=0.9")
            .get("/tasks/export");
    assertTrue(preferred.contentType().startsWith("application/x-ndjson"), preferred::toString);
    var csv = http.withHeader("Accept", "text/*").get("/tasks/export");
    assertTrue(csv.contentType().startsWith("text/csv"), csv::toString);
    var any = http.withHeader("Accept", "*/*").get("/tasks/export");
    assertTrue(any.contentType().startsWith("application/x-ndjson"), any::toString);
  }

  private static dev.taskloop.support.Http anonymous() {
    return server.anonymous();
  }
}
