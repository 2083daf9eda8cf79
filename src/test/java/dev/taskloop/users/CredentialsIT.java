package dev.taskloop.users;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A login and a password change check credentials, never the rules for new ones: a wrong value of
 * any shape is the same 401 as a wrong password, and an account made under an older, looser policy
 * still logs in. On SQLite and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CredentialsIT extends SharedServer {
  private static final String PASSWORD = "correct horse battery";

  @Test
  void aWrongCredentialOfAnyShapeIsTheSame401() {
    assertEquals(201, AccountsIT.signUp("shape@example.com", PASSWORD).status());
    var wrong = AccountsIT.login("shape@example.com", "wrong password!").json();
    for (String[] attempt :
        new String[][] {
          {"shape@example.com", "short"}, // under the policy's minimum
          {"shape@example.com", ""},
          {"shape@example.com", "x".repeat(200)}, // over the policy's maximum
          {"not an address", PASSWORD},
          {"@", "short"},
        }) {
      var response = AccountsIT.login(attempt[0], attempt[1]);
      assertProblem(response, 401, "unauthorized");
      String what = String.join(" / ", attempt);
      assertEquals(wrong.get("detail"), response.json().get("detail"), what);
      assertEquals(AccountsIT.fieldNames(wrong), AccountsIT.fieldNames(response.json()), what);
    }
    var tooLong = AccountsIT.login("shape@example.com", "x".repeat(1025));
    assertProblem(tooLong, 422, "validation-error");
    assertEquals(Set.of("password"), errorFields(tooLong));
  }

  @Test
  void anAccountFromAnOlderPolicyStillLogsInAndChangesItsPassword() {
    assertEquals(201, AccountsIT.signUp("old@example.com", PASSWORD).status());
    byte[] salt = "sixteen byte salt".getBytes(StandardCharsets.US_ASCII);
    String hash = Argon2id.hash("old", salt, new Argon2id.Cost(4096, 2, 1));
    server.sql("UPDATE users SET password_hash = '" + hash + "' WHERE email = 'old@example.com'");

    var login = AccountsIT.login("old@example.com", "old");
    assertEquals(201, login.status(), login::toString);
    var user = server.anonymous().withKey(login.json().get("key").asText());
    var wrong =
        user.patch("/users/me", "{\"password\":\"new password 1\",\"current_password\":\"olD\"}");
    assertEquals(Set.of("current_password"), errorFields(wrong));
    var changed =
        user.patch("/users/me", "{\"password\":\"new password 1\",\"current_password\":\"old\"}");
    assertEquals(200, changed.status(), changed::toString);
    assertEquals(201, AccountsIT.login("old@example.com", "new password 1").status());
    var weak =
        user.patch("/users/me", "{\"password\":\"short\",\"current_password\":\"new password 1\"}");
    assertEquals(Set.of("password"), errorFields(weak), "a new password keeps the policy");
  }
}
