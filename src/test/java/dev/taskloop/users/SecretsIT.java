package dev.taskloop.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.Http;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** No response and no log line ever carries a password, a raw key after its creation, or a hash. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class SecretsIT {
  private static final String PASSWORD = "very secret password";

  @Parameter TestDatabase database;

  @Test
  void secretsAppearOnlyWhereTheyMust() {
    var env = Map.of("LOG_LEVEL", "DEBUG", "SQL_ECHO", "true");
    try (var log = new LogCapture("ROOT", Level.DEBUG);
        var server = TestServer.start(database, env)) {
      Http anonymous = server.anonymous();
      var signUp =
          anonymous.post(
              "/users", "{\"email\":\"secret@example.com\",\"password\":\"" + PASSWORD + "\"}");
      String key = signUp.json().get("api_key").get("key").asText();
      Http user = anonymous.withKey(key);
      var bodies = new ArrayList<String>();
      bodies.add(user.get("/users/me").body());
      bodies.add(user.get("/users/me/api-keys").body());
      bodies.add(user.patch("/users/me", "{\"name\":\"S\"}").body());
      bodies.add(
          anonymous
              .post(
                  "/auth/api-keys",
                  "{\"email\":\"secret@example.com\",\"password\":\"wrong password\"}")
              .body());
      bodies.add(
          anonymous
              .post(
                  "/users", "{\"email\":\"secret@example.com\",\"password\":\"" + PASSWORD + "\"}")
              .body());
      bodies.add(user.get("/tasks").body());
      String second =
          anonymous
              .post(
                  "/auth/api-keys",
                  "{\"email\":\"secret@example.com\",\"password\":\"" + PASSWORD + "\"}")
              .json()
              .get("key")
              .asText();
      bodies.add(anonymous.withKey(second).get("/users/me/api-keys").body());
      bodies.add(
          user.patch(
                  "/users/me",
                  "{\"password\":\"another secret 2\",\"current_password\":\"" + PASSWORD + "\"}")
              .body());

      List<String> hashes = new ArrayList<>();
      server
          .app()
          .database()
          .read("SELECT password_hash FROM users", Map.of())
          .await()
          .forEach(row -> hashes.add(row.getString(0)));
      server
          .app()
          .database()
          .read("SELECT key_hash FROM api_keys", Map.of())
          .await()
          .forEach(row -> hashes.add(row.getString(0)));
      assertEquals(false, hashes.isEmpty());

      String logged = log.text();
      for (String secret : List.of(PASSWORD, "another secret 2", key, second, "$argon2")) {
        assertFalse(logged.contains(secret), "log contains " + secret);
        for (String body : bodies) {
          assertFalse(body.contains(secret), "response contains " + secret + ": " + body);
        }
      }
      for (String hash : hashes) {
        assertFalse(logged.contains(hash), "log contains a hash");
        bodies.forEach(body -> assertFalse(body.contains(hash), "response contains a hash"));
      }
      for (String member : List.of("\"password\"", "\"password_hash\"", "\"key_hash\"")) {
        assertFalse(
            String.join("", bodies).contains(member), "a response has a " + member + " member");
      }
    }
  }
}
