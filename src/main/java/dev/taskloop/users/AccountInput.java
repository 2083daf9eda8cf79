package dev.taskloop.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.text.Emails;

/** Field rules for accounts: email, password, names, key lifetimes. */
final class AccountInput {
  static final int PASSWORD_MIN = 8;
  static final int PASSWORD_MAX = 128;

  private AccountInput() {}

  /**
   * An email address in its canonical spelling (see {@link Emails}); null after recording why not.
   */
  static String email(ObjectNode body, String field, Validation validation) {
    String text = text(body, field, true, validation);
    if (text == null) {
      return null;
    }
    String email = Emails.canonical(text);
    String problem = Emails.problem(email);
    if (problem != null) {
      validation.fail(field, problem);
      return null;
    }
    return email;
  }

  /** A password of 8..128 characters, taken as is (no trimming). */
  static String password(ObjectNode body, String field, Validation validation) {
    String text = text(body, field, true, validation);
    if (text == null) {
      return null;
    }
    int length = text.codePointCount(0, text.length());
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      validation.fail(field, "must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters");
      return null;
    }
    return text;
  }

  /** An optional name of at most 100 characters (trimmed; blank is none). */
  static String name(ObjectNode body, String field, Validation validation) {
    String text = text(body, field, false, validation);
    if (text == null || text.isBlank()) {
      return null;
    }
    String name = text.strip();
    if (name.codePointCount(0, name.length()) > 100) {
      validation.fail(field, "must be at most 100 characters");
      return null;
    }
    return name;
  }

  /** An optional key lifetime in days (1..3650); null for a key that does not expire. */
  static Integer expiresInDays(ObjectNode body, Validation validation) {
    JsonNode node = body.get("expires_in_days");
    if (node == null || node.isNull()) {
      return null;
    }
    // canConvertToLong first: asLong() keeps the low 64 bits, so 2^64 + 5 would read as 5
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.asLong() < 1
        || node.asLong() > 3650) {
      validation.fail("expires_in_days", "must be an integer from 1 to 3650");
      return null;
    }
    return node.intValue();
  }

  private static String text(
      ObjectNode body, String field, boolean required, Validation validation) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        validation.fail(field, "is required");
      }
      return null;
    }
    return Fields.text(node, field, validation);
  }
}
