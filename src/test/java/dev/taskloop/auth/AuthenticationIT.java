package dev.taskloop.auth;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.Http;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.system.http.Routes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way a key can fail gets the same 401; every non-public route needs a key. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AuthenticationIT extends SharedServer {

  /** The body without the members that differ per request. */
  static String comparable(Http.Response response) {
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) response.json();
    json.remove(List.of("request_id", "instance"));
    return json.toString();
  }

  @Test
  void everyKindOfBadKeyGetsTheSame401() {
    Http anonymous = server.anonymous();
    var user = server.signUp("causes@example.com", "causes-password").get("api_key");
    String good = user.get("key").asText();
    String prefix = user.get("prefix").asText();

    var revokedKey = server.anonymous().withKey(good).post("/users/me/api-keys", "{}").json();
    server.anonymous().withKey(good).delete("/users/me/api-keys/" + revokedKey.get("id").asText());
    var inactive =
        server.signUp("inactive@example.com", "inactive-password").get("user").get("id").asText();
    String inactiveKey =
        server
            .anonymous()
            .post(
                "/auth/api-keys",
                "{\"email\":\"inactive@example.com\",\"password\":\"inactive-password\"}")
            .json()
            .get("key")
            .asText();
    server.sql("UPDATE users SET is_active = FALSE WHERE id = '" + inactive + "'");
    var expiredKey = server.anonymous().withKey(good).post("/users/me/api-keys", "{}").json();
    server.sql(
        "UPDATE api_keys SET expires_at = '2020-01-01T00:00:00' WHERE id = '"
            + expiredKey.get("id").asText()
            + "'");

    var responses = new ArrayList<Http.Response>();
    responses.add(anonymous.get("/tasks")); // missing
    responses.add(
        anonymous.withHeader("Authorization", "Basic dXNlcjpwYXNz").get("/tasks")); // wrong scheme
    responses.add(anonymous.withKey("not-a-key").get("/tasks")); // malformed
    responses.add(
        anonymous.withKey("tl_zzzzzzzzzzzz_" + "A".repeat(43)).get("/tasks")); // unknown prefix
    responses.add(
        anonymous.withKey("tl_" + prefix + "_" + "B".repeat(43)).get("/tasks")); // wrong secret
    responses.add(anonymous.withKey(revokedKey.get("key").asText()).get("/tasks")); // revoked
    responses.add(anonymous.withKey(expiredKey.get("key").asText()).get("/tasks")); // expired
    responses.add(anonymous.withKey(inactiveKey).get("/tasks")); // deactivated user
    String expected = null;
    for (var response : responses) {
      assertProblem(response, 401, "unauthorized");
      assertEquals("Bearer", response.header("www-authenticate").orElseThrow());
      expected = expected == null ? comparable(response) : expected;
      assertEquals(expected, comparable(response), "indistinguishable");
    }
    assertEquals(200, anonymous.withKey(good).get("/tasks").status());
    assertEquals(
        200, anonymous.withHeader("X-API-Key", good).get("/tasks").status(), "X-API-Key works too");
  }

  @Test
  void everyNonPublicRouteRequiresAKey() {
    var publicOnes =
        List.of(
            "POST /users",
            "POST /auth/api-keys",
            "GET /health/live",
            "GET /health/ready",
            "GET /openapi.json",
            "GET /",
            "GET /docs",
            "GET /redoc",
            "GET /metrics"); // Prometheus scrapes without a key; MANAGEMENT_PORT moves it away
    int checked = 0;
    for (Routes.Endpoint endpoint : server.app().routes().endpoints()) {
      if (!endpoint.documented()) {
        continue;
      }
      String name = endpoint.method().name() + " " + endpoint.path();
      String path = endpoint.path().replace("{id}", "1");
      var response =
          server.anonymous().send(endpoint.method().name(), path, "application/json", "{}");
      if (publicOnes.contains(name)) {
        assertTrue(response.status() != 401, name + " is public");
      } else {
        assertProblem(response, 401, "unauthorized");
        checked++;
      }
    }
    assertTrue(checked >= 12, "checked " + checked);
  }

  @Test
  void keysAreNotCheckedAgainstTheDatabaseOnEveryRequest() {
    try (var log = new LogCapture("dev.taskloop.sql", Level.INFO);
        var echo =
            dev.taskloop.support.TestServer.start(database, java.util.Map.of("SQL_ECHO", "true"))) {
      Http user = echo.http();
      user.get("/tasks");
      int before = count(log.text(), "FROM api_keys k JOIN users");
      for (int i = 0; i < 20; i++) {
        assertEquals(200, user.get("/tasks").status());
      }
      assertEquals(
          before, count(log.text(), "FROM api_keys k JOIN users"), "served from the cache");
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
