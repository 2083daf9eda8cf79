package dev.taskloop.users;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Sign-up, login, keys, password change and administration, on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AccountsIT extends SharedServer {
  private static final String PASSWORD = "correct horse battery";

  static Http.Response signUp(String email, String password) {
    return server
        .anonymous()
        .post("/users", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
  }

  static Http.Response login(String email, String password) {
    return server
        .anonymous()
        .post("/auth/api-keys", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
  }

  static Set<String> fieldNames(JsonNode node) {
    var names = new TreeSet<String>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void signUpCreatesTheUserAndItsFirstKey() {
    var response =
        server
            .anonymous()
            .post(
                "/users",
                "{\"email\":\"  Ada@Example.com \",\"password\":\""
                    + PASSWORD
                    + "\",\"name\":\"Ada\"}");

    assertEquals(201, response.status(), response::toString);
    assertEquals("/users/me", response.header("location").orElseThrow());
    JsonNode user = response.json().get("user");
    assertEquals(
        Set.of("id", "email", "name", "is_active", "is_admin", "created_at"), fieldNames(user));
    assertEquals("Ada@Example.com", user.get("email").asText(), "trimmed, case kept");
    assertTrue(user.get("is_active").asBoolean());
    assertFalse(user.get("is_admin").asBoolean());
    JsonNode key = response.json().get("api_key");
    assertEquals(
        Set.of("id", "key", "prefix", "name", "created_at", "expires_at"), fieldNames(key));
    assertTrue(
        key.get("key").asText().matches("tl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}"), key.toString());
    assertTrue(key.get("key").asText().startsWith("tl_" + key.get("prefix").asText() + "_"));

    var me = server.anonymous().withKey(key.get("key").asText()).get("/users/me");
    assertEquals(200, me.status());
    assertEquals(user, me.json());
  }

  @Test
  void emailIsUniqueCaseInsensitively() {
    assertEquals(201, signUp("grace@example.com", PASSWORD).status());
    var again = signUp("GRACE@example.COM", PASSWORD);
    assertProblem(again, 409, "conflict");
    assertEquals(
        201, login("Grace@Example.com", PASSWORD).status(), "login is case-insensitive too");
  }

  @Test
  void concurrentSignUpsWithOneEmailGiveOne201() throws Exception {
    var statuses = Parallel.run(6, () -> signUp("race@example.com", PASSWORD).status());
    assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
    assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
  }

  @Test
  void signUpValidatesEveryField() {
    var response =
        server
            .anonymous()
            .post("/users", "{\"email\":\"not-an-email\",\"password\":\"short\",\"name\":7}");
    assertEquals(Set.of("email", "password", "name"), errorFields(response));
    assertEquals(Set.of("password"), errorFields(signUp("long@example.com", "x".repeat(129))));
    assertEquals(Set.of("email", "password"), errorFields(server.anonymous().post("/users", "{}")));
  }

  @Test
  void signUpCanBeTurnedOff() {
    try (var closed = TestServer.start(database, Map.of("SIGNUP_ENABLED", "false"))) {
      var response =
          closed
              .anonymous()
              .post("/users", "{\"email\":\"x@example.com\",\"password\":\"" + PASSWORD + "\"}");
      assertProblem(response, 403, "forbidden");
      assertEquals(200, closed.http().get("/users/me").status(), "logins still work");
    }
  }

  @Test
  void loginIssuesANewKey() {
    assertEquals(201, signUp("login@example.com", PASSWORD).status());
    var response =
        server
            .anonymous()
            .post(
                "/auth/api-keys",
                "{\"email\":\"login@example.com\",\"password\":\""
                    + PASSWORD
                    + "\",\"name\":\"laptop\",\"expires_in_days\":30}");
    assertEquals(201, response.status(), response::toString);
    JsonNode key = response.json();
    assertEquals("laptop", key.get("name").asText());
    assertFalse(key.get("expires_at").isNull());
    assertEquals(
        200, server.anonymous().withKey(key.get("key").asText()).get("/users/me").status());
  }

  @Test
  void wrongPasswordAndUnknownEmailLookTheSame() {
    assertEquals(201, signUp("same@example.com", PASSWORD).status());
    var wrongPassword = login("same@example.com", "wrong password!");
    var unknownEmail = login("nobody@example.com", "wrong password!");
    for (var response : new Http.Response[] {wrongPassword, unknownEmail}) {
      assertProblem(response, 401, "unauthorized");
      assertEquals("Bearer", response.header("www-authenticate").orElseThrow());
    }
    assertEquals(wrongPassword.json().get("detail"), unknownEmail.json().get("detail"));
    assertEquals(fieldNames(wrongPassword.json()), fieldNames(unknownEmail.json()));
  }

  @Test
  void keysAreListedWithoutSecretsAndCanBeAdded() {
    Http alice = server.newUser("keys@example.com");
    var created = alice.post("/users/me/api-keys", "{\"name\":\"ci\"}");
    assertEquals(201, created.status(), created::toString);
    String second = created.json().get("key").asText();
    assertEquals(200, server.anonymous().withKey(second).get("/users/me").status());

    var list = alice.get("/users/me/api-keys");
    assertEquals(200, list.status());
    assertEquals(2, list.json().size());
    for (JsonNode key : list.json()) {
      assertEquals(
          Set.of("id", "name", "prefix", "created_at", "last_used_at", "expires_at"),
          fieldNames(key));
    }
    assertFalse(list.body().contains(second), "the raw key is shown once only");
    assertTrue(
        list.json().get(0).hasNonNull("last_used_at"), "the key in use records its last use");
    var noBody = alice.send("POST", "/users/me/api-keys", null, null);
    assertEquals(201, noBody.status(), "a body is optional");
  }

  @Test
  void keyListsPageByOffsetAndKeyWithLinks() {
    Http user = server.newUser("pages@example.com");
    for (int i = 0; i < 4; i++) {
      user.post("/users/me/api-keys", "{\"name\":\"k" + i + "\"}");
    }
    var all = user.get("/users/me/api-keys?limit=100").json();
    assertEquals(5, all.size());
    var first = user.get("/users/me/api-keys?limit=2");
    assertEquals(2, first.json().size());
    String link = first.header("link").orElseThrow();
    assertEquals(
        "</users/me/api-keys?after=" + all.get(1).get("id").asText() + "&limit=2>; rel=\"next\"",
        link);
    var second = user.get(link.substring(1, link.indexOf('>')));
    assertEquals(all.get(2), second.json().get(0));
    assertEquals(all.get(3), user.get("/users/me/api-keys?skip=3&limit=1").json().get(0));
    assertEquals(Set.of("after"), errorFields(user.get("/users/me/api-keys?after=nope")));
    assertEquals(
        Set.of("after"),
        errorFields(
            user.get("/users/me/api-keys?after=" + all.get(0).get("id").asText() + "&skip=1")));
  }

  @Test
  void revokedKeyIsRejectedAtOnce() {
    Http alice = server.newUser("revoke@example.com");
    var second = alice.post("/users/me/api-keys", "{}").json();
    Http other = server.anonymous().withKey(second.get("key").asText());
    assertEquals(200, other.get("/users/me").status(), "used once: now cached");

    assertEquals(204, alice.delete("/users/me/api-keys/" + second.get("id").asText()).status());

    assertProblem(other.get("/users/me"), 401, "unauthorized");
    assertProblem(
        alice.delete("/users/me/api-keys/" + second.get("id").asText()), 404, "not-found");
    assertEquals(Set.of("id"), errorFields(alice.delete("/users/me/api-keys/not-a-uuid")));
  }

  @Test
  void passwordChangeRevokesTheOtherKeys() {
    var signedUp = signUp("change@example.com", PASSWORD).json();
    Http current = server.anonymous().withKey(signedUp.get("api_key").get("key").asText());
    Http other =
        server
            .anonymous()
            .withKey(login("change@example.com", PASSWORD).json().get("key").asText());
    assertEquals(200, other.get("/users/me").status());

    assertEquals(
        Set.of("current_password"),
        errorFields(
            current.patch(
                "/users/me",
                "{\"password\":\"new password 1\",\"current_password\":\"not the password\"}")));
    var changed =
        current.patch(
            "/users/me",
            "{\"password\":\"new password 1\",\"current_password\":\""
                + PASSWORD
                + "\",\"name\":\"Changed\"}");
    assertEquals(200, changed.status(), changed::toString);
    assertEquals("Changed", changed.json().get("name").asText());

    assertProblem(other.get("/users/me"), 401, "unauthorized");
    assertEquals(200, current.get("/users/me").status(), "the key that made the change stays");
    assertEquals(401, login("change@example.com", PASSWORD).status());
    assertEquals(201, login("change@example.com", "new password 1").status());
    assertEquals(
        Set.of("current_password"),
        errorFields(current.patch("/users/me", "{\"password\":\"another one 1\"}")));
  }

  @Test
  void adminsManageUsersOthersGet403() {
    var env = Map.of("ADMIN_EMAIL", "root@example.com", "ADMIN_PASSWORD", "root-password");
    try (var withAdmin = TestServer.start(database, env)) {
      Http admin = withAdmin.loggedIn("root@example.com", "root-password");
      assertTrue(admin.get("/users/me").json().get("is_admin").asBoolean());
      Http user = withAdmin.http();

      assertProblem(user.get("/users"), 403, "forbidden");
      assertProblem(user.patch("/users/" + withAdmin.ownerId(), "{}"), 403, "forbidden");
      String adminId = admin.get("/users/me").json().get("id").asText();
      assertProblem(admin.patch("/users/" + adminId, "{\"is_active\":false}"), 409, "conflict");
      assertProblem(
          user.patch("/users/" + withAdmin.ownerId(), "{\"is_active\":false}"), 403, "forbidden");
      var users = admin.get("/users?limit=10");
      assertEquals(200, users.status());
      assertEquals(2, users.json().size());
      var firstUser = admin.get("/users?limit=1");
      String link = firstUser.header("link").orElseThrow();
      assertEquals(
          users.json().get(1), admin.get(link.substring(1, link.indexOf('>'))).json().get(0));

      assertEquals(200, user.get("/tasks").status(), "cached before the deactivation");
      var deactivated = admin.patch("/users/" + withAdmin.ownerId(), "{\"is_active\":false}");
      assertEquals(200, deactivated.status(), deactivated::toString);
      assertFalse(deactivated.json().get("is_active").asBoolean());
      String stale = "\"0\""; // versions start at 1
      assertProblem(
          admin
              .withHeader("If-Match", stale)
              .patch("/users/" + withAdmin.ownerId(), "{\"is_active\":true}"),
          412,
          "precondition-failed");
      assertProblem(user.get("/tasks"), 401, "unauthorized");
      assertEquals(401, withAdmin.loginOwner().status(), "nor can it log in");

      assertProblem(
          admin.patch("/users/00000000-0000-0000-0000-000000000000", "{\"is_active\":false}"),
          404,
          "not-found");
      assertEquals(
          Set.of("is_active"), errorFields(admin.patch("/users/" + withAdmin.ownerId(), "{}")));
    }
  }

  @Test
  void adminIsCreatedOnceAndAdoptsTasksWithoutOwner() throws Exception {
    try (var db = database.provision()) {
      var env =
          TestServer.environment(
              db.url(),
              Map.of("ADMIN_EMAIL", "boss@example.com", "ADMIN_PASSWORD", "boss-password"));
      var config = dev.taskloop.system.config.AppConfig.fromEnv(env);
      var first = dev.taskloop.Taskloop.start(config, TestServer.vertxOptions());
      try {
        first
            .database()
            .write(
                "INSERT INTO tasks (title, is_completed, created_at, updated_at)"
                    + " VALUES ('from before accounts', FALSE, '2026-01-01T00:00:00', '2026-01-01T00:00:00')",
                Map.of())
            .await();
      } finally {
        first.shutdown();
      }
      var second = dev.taskloop.Taskloop.start(config, TestServer.vertxOptions()); // idempotent
      try {
        Http anonymous = new Http("http://127.0.0.1:" + second.port());
        var login =
            anonymous.post(
                "/auth/api-keys",
                "{\"email\":\"boss@example.com\",\"password\":\"boss-password\"}");
        assertEquals(201, login.status(), login::toString);
        Http boss = anonymous.withKey(login.json().get("key").asText());
        assertEquals(1, boss.get("/users").json().size(), "one admin, not two");
        var tasks = boss.get("/tasks").json();
        assertEquals(1, tasks.size());
        assertEquals("from before accounts", tasks.get(0).get("title").asText());
      } finally {
        second.shutdown();
      }
    }
  }

  @Test
  void existingUserBecomesAdminOnlyWithItsOwnPassword() {
    try (var db = database.provision()) {
      var env = new java.util.HashMap<>(TestServer.environment(db.url(), Map.of()));
      var plain =
          dev.taskloop.Taskloop.start(
              dev.taskloop.system.config.AppConfig.fromEnv(env), TestServer.vertxOptions());
      try {
        var response =
            new Http("http://127.0.0.1:" + plain.port())
                .post(
                    "/users",
                    "{\"email\":\"early@example.com\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, response.status());
      } finally {
        plain.shutdown();
      }
      env.put("ADMIN_EMAIL", "early@example.com");
      env.put("ADMIN_PASSWORD", "someone else's password");
      var refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.taskloop.Taskloop.StartupException.class,
              () ->
                  dev.taskloop.Taskloop.start(
                      dev.taskloop.system.config.AppConfig.fromEnv(env),
                      TestServer.vertxOptions()));
      assertTrue(refused.getMessage().contains("refusing to promote"), refused.getMessage());

      env.put("ADMIN_PASSWORD", PASSWORD);
      var promoted =
          dev.taskloop.Taskloop.start(
              dev.taskloop.system.config.AppConfig.fromEnv(env), TestServer.vertxOptions());
      try {
        Http anonymous = new Http("http://127.0.0.1:" + promoted.port());
        String key =
            anonymous
                .post(
                    "/auth/api-keys",
                    "{\"email\":\"early@example.com\",\"password\":\"" + PASSWORD + "\"}")
                .json()
                .get("key")
                .asText();
        assertTrue(anonymous.withKey(key).get("/users/me").json().get("is_admin").asBoolean());
      } finally {
        promoted.shutdown();
      }
    }
  }

  @Test
  void renamingKeepsTheRest() {
    Http user = server.newUser("rename@example.com");
    var renamed = user.patch("/users/me", "{\"name\":\"  New Name \"}");
    assertEquals(200, renamed.status());
    assertEquals("New Name", renamed.json().get("name").asText());
    assertNotEquals(null, renamed.json().get("email"));
    assertTrue(user.patch("/users/me", "{\"name\":null}").json().get("name").isNull());
  }
}
