package dev.taskloop.users;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who an account is and what it can learn about others: look-alike emails are one account, a key
 * cursor of another user reveals nothing, a reactivated user's keys work at once.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class AccountIdentityIT extends SharedServer {
  private static final String PASSWORD = "correct horse battery";

  private static Http.Response signUp(String email) {
    return server
        .anonymous()
        .post("/users", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
  }

  @Test
  void lookAlikeEmailsAreTheSameAccount() {
    assertEquals(201, signUp("ren\u00e9@example.com").status()); // é, composed (NFC)
    assertProblem(signUp("rene\u0301@example.com"), 409, "conflict"); // e + combining acute
    assertProblem(signUp("REN\u00c9@EXAMPLE.COM"), 409, "conflict");
    assertEquals(201, signUp("ada@example.com").status());
    assertProblem(signUp("\uff41da@example.com"), 409, "conflict"); // fullwidth a
    var login =
        server
            .anonymous()
            .post(
                "/auth/api-keys",
                "{\"email\":\"rene\u0301@EXAMPLE.com\",\"password\":\"" + PASSWORD + "\"}");
    assertEquals(201, login.status(), "any spelling logs in: " + login);
  }

  @Test
  void invisibleCharactersAndTrailingDotsAreRefused() {
    assertEquals(Set.of("email"), errorFields(signUp("zw\u200bsp@example.com")));
    assertEquals(Set.of("email"), errorFields(signUp("dot@example.com.")));
    assertEquals(Set.of("email"), errorFields(signUp("ctl\\u0007@example.com")));
    assertEquals(Set.of("email"), errorFields(signUp("rtl\u202e@example.com")));
  }

  @Test
  void anAddressThatOutgrowsItsColumnOnceCaseFoldedIsRefusedNotA500() {
    String domain = "@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(57) + ".com";
    String local = "ß" + "a".repeat(63); // 254 characters as written, 255 once folded
    assertEquals(Set.of("email"), errorFields(signUp(local + domain)));
  }

  @Test
  void anotherUsersKeyAsCursorIsLikeAnUnknownOne() {
    Http alice = server.newUser("cursor-alice@example.com");
    Http bob = server.newUser("cursor-bob@example.com");
    String bobsKey = bob.get("/users/me/api-keys").json().get(0).get("id").asText();
    alice.post("/users/me/api-keys", "{\"name\":\"later\"}"); // created after bob's key

    var withBobs = alice.get("/users/me/api-keys?after=" + bobsKey);
    var withUnknown = alice.get("/users/me/api-keys?after=00000000-0000-4000-8000-000000000000");
    assertEquals(200, withBobs.status());
    assertEquals(withUnknown.json(), withBobs.json(), "no difference an attacker could read");
    assertEquals(0, withBobs.json().size());
    assertEquals(withUnknown.header("link"), withBobs.header("link"));
    String alicesFirst = alice.get("/users/me/api-keys").json().get(0).get("id").asText();
    assertEquals(
        1, alice.get("/users/me/api-keys?after=" + alicesFirst).json().size(), "own: works");
  }

  @Test
  void aReactivatedUsersKeysWorkAtOnce() {
    var env = Map.of("ADMIN_EMAIL", "root@example.com", "ADMIN_PASSWORD", "root-password");
    try (var withAdmin = TestServer.start(database, env)) {
      Http admin = withAdmin.loggedIn("root@example.com", "root-password");
      Http user = withAdmin.http();
      String path = "/users/" + withAdmin.ownerId();
      assertEquals(200, admin.patch(path, "{\"is_active\":false}").status());
      assertProblem(user.get("/tasks"), 401, "unauthorized"); // the rejection is now cached
      assertEquals(200, admin.patch(path, "{\"is_active\":true}").status());
      assertEquals(200, user.get("/tasks").status(), "within the cache TTL of 60 s");
    }
  }
}
