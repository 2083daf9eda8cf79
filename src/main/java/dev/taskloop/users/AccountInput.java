package dev.taskloop.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.text.Emails;

/** Field rules for accounts: email, password, names, key lifetimes. */
final class AccountInput {
  static final int PASSWORD_MIN = AppConfig.Auth.PASSWORD_MIN;
  static final int PASSWORD_MAX = AppConfig.Auth.PASSWORD_MAX;
  static final int NAME_MAX = Fields.NAME_MAX;

  /** Longest email or password a login takes (a bound on the request, not a rule for accounts). */
  static final int CREDENTIAL_MAX = 1024;

  /** Longest lifetime of an API key, in days: about ten years. */
  static final int KEY_DAYS_MAX = 3650;

  private AccountInput() {}

  /**
   * An email address in its canonical spelling (see {@link Emails}); null after recording why not.
   */
  static String email(ObjectNode body, String field, Validation validation) {
    JsonNode node = body.get(field);
    return Fields.required(node, field, validation) ? Fields.email(node, field, validation) : null;
  }

  /**
   * An email or password to check against an account (a login, the current password): only a string
   * of at most {@value #CREDENTIAL_MAX} characters, never the rules for new ones. So a wrong value
   * of any shape gets the same 401 as a wrong password, a stricter policy locks no old account out,
   * and the answer tells nobody the policy. Null after recording why not.
   */
  static String credential(ObjectNode body, String field, Validation validation) {
    JsonNode node = body.get(field);
    return Fields.required(node, field, validation)
        ? Fields.text(node, field, 0, CREDENTIAL_MAX, validation)
        : null;
  }

  /** A login's email: a {@link #credential}, canonicalised as stored addresses are. */
  static String loginEmail(ObjectNode body, Validation validation) {
    String email = credential(body, "email", validation);
    return email == null ? null : Emails.canonical(email);
  }

  /** A new password of 8..128 characters, taken as is (no trimming). */
  static String password(ObjectNode body, String field, Validation validation) {
    JsonNode node = body.get(field);
    return Fields.required(node, field, validation)
        ? Fields.text(node, field, PASSWORD_MIN, PASSWORD_MAX, validation)
        : null;
  }

  /** An optional name of at most 100 characters (trimmed; blank is none). */
  static String name(ObjectNode body, String field, Validation validation) {
    JsonNode node = body.get(field);
    String name =
        Fields.present(node) ? Fields.trimmed(node, field, 0, NAME_MAX, validation) : null;
    return name == null || name.isEmpty() ? null : name;
  }

  /** An optional key lifetime in days (1..3650); null for a key that does not expire. */
  static Integer expiresInDays(ObjectNode body, Validation validation) {
    JsonNode node = body.get("expires_in_days");
    Long days =
        Fields.present(node)
            ? Fields.integer(node, "expires_in_days", 1, KEY_DAYS_MAX, validation)
            : null;
    return days == null ? null : days.intValue();
  }
}
