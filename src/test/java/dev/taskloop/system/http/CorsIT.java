package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CORS as a browser sees it, with {@code CORS_ALLOWED_ORIGINS} set to two origins, with {@code *},
 * and off (the default).
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CorsIT {
  private static final String APP = "https://app.example";
  private static final String DEV = "http://localhost:5173";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> REQUEST_HEADERS =
      Set.of(
          "authorization",
          "x-api-key",
          "content-type",
          "idempotency-key",
          "if-match",
          "if-none-match",
          "x-request-id");
  private static final Set<String> EXPOSED_HEADERS =
      Set.of(
          "location",
          "link",
          "etag",
          "retry-after",
          "x-request-id",
          "idempotent-replayed",
          "content-disposition");

  @Parameter TestDatabase database;
  static TestServer cors;
  static TestServer plain;

  @BeforeParameterizedClassInvocation
  static void start(TestDatabase database) {
    cors = TestServer.start(database, Map.of("CORS_ALLOWED_ORIGINS", APP + ", " + DEV));
    plain = TestServer.start(database);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    try {
      cors.close();
    } finally {
      plain.close();
    }
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredBeforeAuthentication() {
    var preflight =
        preflight(cors.anonymous(), APP, "/tasks/1", "PATCH", "authorization, content-type");
    assertEquals(204, preflight.status(), preflight::toString);
    assertEquals("", preflight.body());
    assertEquals(APP, header(preflight, "access-control-allow-origin"));
    assertEquals(METHODS, tokens(preflight, "access-control-allow-methods", false));
    assertEquals(REQUEST_HEADERS, tokens(preflight, "access-control-allow-headers", true));
    assertEquals("7200", header(preflight, "access-control-max-age"));
    assertTrue(tokens(preflight, "vary", true).contains("origin"), preflight::toString);
    assertFalse(preflight.header("access-control-allow-credentials").isPresent());
    assertFalse(preflight.header("www-authenticate").isPresent(), "no key was asked for");
    assertTrue(preflight.header("x-request-id").isPresent(), "an answer like any other");

    var other = preflight(cors.anonymous(), DEV, "/categories", "POST", "content-type, x-api-key");
    assertEquals(204, other.status(), other::toString);
    assertEquals(DEV, header(other, "access-control-allow-origin"));
  }

  /** As if CORS were off: no CORS header, so the browser fails the preflight; the usual 405. */
  @Test
  void aPreflightFromAnotherOriginGetsNoCorsHeaders() {
    for (String origin :
        List.of(
            "https://evil.example",
            "http://app.example",
            "https://app.example:8443",
            "https://app.example.evil.example",
            "null")) {
      var preflight = preflight(cors.anonymous(), origin, "/tasks/1", "DELETE", "authorization");
      assertEquals(405, preflight.status(), origin + ": " + preflight);
      assertEquals("DELETE, GET, HEAD, PATCH", header(preflight, "allow"));
      assertEquals(Set.of(), corsHeaders(preflight), origin);
      assertTrue(tokens(preflight, "vary", true).contains("origin"), origin);
    }
  }

  @Test
  void anAllowedOriginMayReadTheListedResponseHeaders() {
    var created = cors.http().withHeader("Origin", APP).post("/tasks", "{\"title\":\"cors\"}");
    assertEquals(201, created.status(), created::toString);
    assertEquals(APP, header(created, "access-control-allow-origin"));
    assertEquals(EXPOSED_HEADERS, tokens(created, "access-control-expose-headers", true));
    assertFalse(created.header("access-control-allow-credentials").isPresent());
    assertTrue(tokens(created, "vary", true).contains("origin"), created::toString);

    var read = cors.http().withHeader("Origin", DEV).get(header(created, "location"));
    assertEquals(200, read.status(), read::toString);
    assertEquals(DEV, header(read, "access-control-allow-origin"));
    assertEquals(EXPOSED_HEADERS, tokens(read, "access-control-expose-headers", true));
  }

  /** A page can read why it failed: the problem answers carry the CORS headers too. */
  @Test
  void errorAnswersCarryTheCorsHeaders() {
    var unauthorized = cors.anonymous().withHeader("Origin", APP).get("/tasks");
    assertEquals(401, unauthorized.status(), unauthorized::toString);
    assertEquals(APP, header(unauthorized, "access-control-allow-origin"));
    assertTrue(
        tokens(unauthorized, "access-control-expose-headers", true).contains("x-request-id"));
    var missing = cors.http().withHeader("Origin", APP).get("/nothing/here");
    assertEquals(404, missing.status(), missing::toString);
    assertEquals(APP, header(missing, "access-control-allow-origin"));
  }

  /**
   * Not a 403: browsers send Origin with same-origin writes too (Swagger UI's "Try it out"), and
   * without a browser the header proves nothing.
   */
  @Test
  void requestsFromOtherOriginsAreServedWithoutCorsHeaders() {
    var foreign = cors.http().withHeader("Origin", "https://evil.example").get("/tasks");
    assertEquals(200, foreign.status(), foreign::toString);
    assertEquals(Set.of(), corsHeaders(foreign));
    String self = cors.http().base();
    var sameOrigin = cors.http().withHeader("Origin", self).post("/tasks", "{\"title\":\"docs\"}");
    assertEquals(201, sameOrigin.status(), sameOrigin::toString);
    assertEquals(Set.of(), corsHeaders(sameOrigin));
    var noOrigin = cors.http().get("/tasks");
    assertEquals(Set.of(), corsHeaders(noOrigin));
    assertTrue(
        tokens(noOrigin, "vary", true).contains("origin"), "its CORS headers vary by Origin");
  }

  @Test
  void anOptionsThatIsNotAPreflightIsStillMethodNotAllowed() {
    var fromPage = cors.anonymous().withHeader("Origin", APP).send("OPTIONS", "/tasks", null, null);
    assertEquals(405, fromPage.status(), fromPage::toString);
    assertEquals("GET, HEAD, POST", header(fromPage, "allow"));
    assertEquals(APP, header(fromPage, "access-control-allow-origin"));
    var bare = cors.anonymous().send("OPTIONS", "/tasks", null, null);
    assertEquals(405, bare.status(), bare::toString);
    assertEquals(Set.of(), corsHeaders(bare));
  }

  @Test
  void byDefaultNoAnswerHasCorsHeaders() {
    var preflight = preflight(plain.anonymous(), APP, "/tasks", "POST", "authorization");
    assertEquals(405, preflight.status(), preflight::toString);
    assertEquals(Set.of(), corsHeaders(preflight));
    var read = plain.http().withHeader("Origin", APP).get("/tasks");
    assertEquals(200, read.status(), read::toString);
    assertEquals(Set.of(), corsHeaders(read));
    assertFalse(tokens(read, "vary", true).contains("origin"), read.headers()::toString);
  }

  /** {@code *}: any page, also an opaque ("null") origin; still no credentials. */
  @Test
  void aStarAllowsEveryOrigin() {
    try (var any = TestServer.start(database, Map.of("CORS_ALLOWED_ORIGINS", "*"))) {
      var preflight =
          preflight(any.anonymous(), "https://anyone.example", "/items", "PUT", "content-type");
      assertEquals(204, preflight.status(), preflight::toString);
      assertEquals("*", header(preflight, "access-control-allow-origin"));
      assertEquals(METHODS, tokens(preflight, "access-control-allow-methods", false));
      assertFalse(preflight.header("access-control-allow-credentials").isPresent());
      var sandboxed = any.http().withHeader("Origin", "null").get("/tasks");
      assertEquals("*", header(sandboxed, "access-control-allow-origin"));
      assertEquals(EXPOSED_HEADERS, tokens(sandboxed, "access-control-expose-headers", true));
      var garbage = any.http().withHeader("Origin", "not an origin").get("/tasks");
      assertEquals(200, garbage.status(), garbage::toString);
      assertEquals(Set.of(), corsHeaders(garbage));
    }
  }

  private static Http.Response preflight(
      Http client, String origin, String path, String method, String requestHeaders) {
    return client
        .withHeader("Origin", origin)
        .withHeader("Access-Control-Request-Method", method)
        .withHeader("Access-Control-Request-Headers", requestHeaders)
        .send("OPTIONS", path, null, null);
  }

  private static String header(Http.Response response, String name) {
    return response
        .header(name)
        .orElseThrow(() -> new AssertionError("no " + name + ": " + response.headers()));
  }

  /** The comma-separated values of a header (lower case when {@code fold}); empty when absent. */
  private static Set<String> tokens(Http.Response response, String name, boolean fold) {
    return response.headers().allValues(name).stream()
        .flatMap(value -> Arrays.stream(value.split(",")))
        .map(String::strip)
        .map(token -> fold ? token.toLowerCase(Locale.ROOT) : token)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The names of the response's {@code Access-Control-*} headers. */
  private static Set<String> corsHeaders(Http.Response response) {
    return response.headers().map().keySet().stream()
        .map(name -> name.toLowerCase(Locale.ROOT))
        .filter(name -> name.startsWith("access-control-"))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
