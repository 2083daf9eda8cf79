package dev.taskloop.system.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.system.text.Emails;

/**
 * The rules for JSON body fields that every feature shares, each with one wording, so a client
 * reads the same message for the same mistake in tasks, the catalog and accounts. A feature's input
 * class picks the rules and names its own limits; the limits here are those several features share.
 *
 * <p>Every rule records its failure in a {@link Validation} and returns null, so one 422 lists all
 * failing fields. Presence is decided first ({@link #required}, {@link #patched}, {@link
 * #present}); the value rules then expect a value that is there and not JSON null. Text is a JSON
 * string without NUL (PostgreSQL text cannot hold it) and without unpaired surrogates (no database
 * stores them faithfully); its length is counted in code points, so an emoji is one character.
 */
public final class Fields {
  /** Longest description (tasks, items): their columns are VARCHAR(255). */
  public static final int DESCRIPTION_MAX = 255;

  /** Longest name (categories, items, users, API keys): their columns are VARCHAR(100). */
  public static final int NAME_MAX = 100;

  // The wordings of the rules; parameterised ones are built by the methods at the end.
  static final String REQUIRED = "is required";
  static final String NOT_NULL = "cannot be null";
  static final String NOT_STRING = "must be a string";
  static final String HAS_NUL = "must not contain NUL characters";
  static final String UNPAIRED_SURROGATE =
      "must be valid Unicode text (it holds an unpaired surrogate)";
  static final String NOT_BOOLEAN = "must be true or false";
  static final String NOT_UUID = "must be a UUID";

  private Fields() {}

  /** Whether the field has a value; when it is absent or JSON null, false after recording so. */
  public static boolean required(JsonNode node, String field, Validation validation) {
    if (present(node)) {
      return true;
    }
    validation.fail(field, REQUIRED);
    return false;
  }

  /**
   * Whether a JSON merge patch sets this field, for a field that cannot be cleared: false when it
   * is absent (it stays as it is), and after recording that it cannot be null when it is JSON null.
   */
  public static boolean patched(JsonNode node, String field, Validation validation) {
    if (node != null && node.isNull()) {
      validation.fail(field, NOT_NULL);
      return false;
    }
    return node != null;
  }

  /** Whether an optional field has a value: absent and JSON null both mean none. */
  public static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }

  /** The text of a string field as is, or null after recording why it is not acceptable text. */
  public static String text(JsonNode node, String field, Validation validation) {
    if (!node.isTextual()) {
      validation.fail(field, NOT_STRING);
      return null;
    }
    String text = node.textValue();
    if (text.indexOf('\0') >= 0) {
      validation.fail(field, HAS_NUL);
      return null;
    }
    if (hasUnpairedSurrogate(text)) {
      validation.fail(field, UNPAIRED_SURROGATE);
      return null;
    }
    return text;
  }

  /**
   * Text of {@code min..max} characters, taken as is (a password); null after recording why not.
   */
  public static String text(JsonNode node, String field, int min, int max, Validation validation) {
    String text = text(node, field, validation);
    return text == null ? null : length(text, field, min, max, false, validation);
  }

  /**
   * Text without surrounding whitespace, of {@code min..max} characters once trimmed (a title, a
   * name); null after recording why not. With {@code min} 0 a blank value is the empty string.
   */
  public static String trimmed(
      JsonNode node, String field, int min, int max, Validation validation) {
    String text = text(node, field, validation);
    return text == null ? null : length(text.strip(), field, min, max, true, validation);
  }

  /** A required text of 1..{@code max} characters once trimmed; null after recording why not. */
  public static String requiredTrimmed(
      JsonNode node, String field, int max, Validation validation) {
    return required(node, field, validation) ? trimmed(node, field, 1, max, validation) : null;
  }

  /**
   * The optional {@code description} of tasks and items, at most {@link #DESCRIPTION_MAX}
   * characters; absent or JSON null is none.
   */
  public static String description(JsonNode node, Validation validation) {
    return present(node) ? text(node, "description", 0, DESCRIPTION_MAX, validation) : null;
  }

  /**
   * An email address in its canonical spelling, by the one rule of {@link Emails}; null after
   * recording why it is not one.
   */
  public static String email(JsonNode node, String field, Validation validation) {
    String text = text(node, field, validation);
    if (text == null) {
      return null;
    }
    Emails.Checked email = Emails.check(text);
    if (email.problem() != null) {
      validation.fail(field, email.problem());
      return null;
    }
    return email.canonical();
  }

  /** A JSON boolean; anything else (also the string "true") is refused. */
  public static Boolean bool(JsonNode node, String field, Validation validation) {
    if (!node.isBoolean()) {
      validation.fail(field, NOT_BOOLEAN);
      return null;
    }
    return node.booleanValue();
  }

  /** A JSON integer within {@code [min, max]} (not 1.0, not a string, not beyond 64 bits). */
  public static Long integer(
      JsonNode node, String field, long min, long max, Validation validation) {
    // canConvertToLong first: asLong() of a larger integer keeps its low 64 bits, which can fit
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.asLong() < min
        || node.asLong() > max) {
      validation.fail(field, integerRule(min, max));
      return null;
    }
    return node.asLong();
  }

  /** The wording of the length rule: "must be 1 to 50 characters after trimming spaces". */
  static String lengthRule(int min, int max, boolean trimmed) {
    return "must be "
        + (min > 0 ? min + " to " + max : "at most " + max)
        + " characters"
        + (trimmed ? " after trimming spaces" : "");
  }

  /** The wording of the integer rule, for body fields and path and query parameters alike. */
  static String integerRule(long min, long max) {
    return "must be an integer "
        + (max == Long.MAX_VALUE ? ">= " + min : "from " + min + " to " + max);
  }

  private static String length(
      String text, String field, int min, int max, boolean trimmed, Validation validation) {
    int length = text.codePointCount(0, text.length());
    if (length < min || length > max) {
      validation.fail(field, lengthRule(min, max, trimmed));
      return null;
    }
    return text;
  }

  /**
   * Whether {@code text} holds a UTF-16 surrogate without its partner: JSON can spell one ({@code
   * "\ud800"}), but it is not a character and no database stores it faithfully (PostgreSQL and
   * SQLite would write {@code ?}).
   */
  private static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return true;
      }
      if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
