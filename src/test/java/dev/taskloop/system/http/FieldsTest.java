package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskloop.system.http.ApiException.FieldError;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared field rules and their one wording each, without a server. */
class FieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Runs one rule on field "f" and returns its result, which must pass without a failure. */
  private static <T> T accepted(Function<Validation, T> rule) {
    var validation = new Validation();
    T value = rule.apply(validation);
    validation.check();
    return value;
  }

  /** Runs one rule on field "f", which must return null, and returns the one message recorded. */
  private static String refused(Function<Validation, ?> rule) {
    var validation = new Validation();
    assertNull(rule.apply(validation));
    var e = assertThrows(ApiException.class, validation::check);
    assertEquals(1, e.errors().size(), e.errors()::toString);
    assertEquals("f", e.errors().getFirst().field());
    return e.errors().getFirst().message();
  }

  @Test
  void requiredRefusesAbsentAndNull() {
    for (JsonNode node : new JsonNode[] {null, json("null")}) {
      var validation = new Validation();
      assertFalse(Fields.required(node, "f", validation));
      var e = assertThrows(ApiException.class, validation::check);
      assertEquals(List.of(new FieldError("f", "is required")), e.errors());
    }
    assertTrue(FieldsTest.<Boolean>accepted(v -> Fields.required(json("\"\""), "f", v)));
    assertTrue(FieldsTest.<Boolean>accepted(v -> Fields.required(json("false"), "f", v)));
  }

  @Test
  void aPatchKeepsAbsentFieldsAndRefusesNull() {
    assertFalse(
        FieldsTest.<Boolean>accepted(v -> Fields.patched(null, "f", v)),
        "absent: kept, no failure");
    assertTrue(FieldsTest.<Boolean>accepted(v -> Fields.patched(json("\"x\""), "f", v)));
    var validation = new Validation();
    assertFalse(Fields.patched(json("null"), "f", validation));
    var e = assertThrows(ApiException.class, validation::check);
    assertEquals(List.of(new FieldError("f", "cannot be null")), e.errors());
    assertFalse(Fields.present(null));
    assertFalse(Fields.present(json("null")));
    assertTrue(Fields.present(json("0")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "true", "[]", "{}", "[\"a\"]"})
  void textMustBeAString(String node) {
    assertEquals("must be a string", refused(v -> Fields.text(json(node), "f", v)));
  }

  @Test
  void textRefusesNulAndUnpairedSurrogatesAndKeepsTheRest() {
    assertEquals(
        "must not contain NUL characters",
        refused(v -> Fields.text(json("\"a\\u0000b\""), "f", v)));
    assertEquals(
        "must be valid Unicode text (it holds an unpaired surrogate)",
        refused(v -> Fields.text(json("\"a\\ud800b\""), "f", v)));
    assertEquals(
        " a \uD83D\uDE00 ", accepted(v -> Fields.text(json("\" a \\ud83d\\ude00 \""), "f", v)));
  }

  @Test
  void lengthIsCountedInCodePointsWithOneWordingPerRange() {
    String rockets = "\"" + "\\ud83d\\ude80".repeat(8) + "\"";
    assertEquals(16, accepted(v -> Fields.text(json(rockets), "f", 8, 128, v)).length());
    assertEquals(
        "must be 8 to 128 characters",
        refused(v -> Fields.text(json("\"seven77\""), "f", 8, 128, v)));
    assertEquals(
        "must be at most 3 characters", refused(v -> Fields.text(json("\"four\""), "f", 0, 3, v)));
    assertEquals(" ab ", accepted(v -> Fields.text(json("\" ab \""), "f", 0, 4, v)), "not trimmed");
  }

  @Test
  void trimmedTextIsMeasuredAfterTrimming() {
    assertEquals("ab", accepted(v -> Fields.trimmed(json("\"  ab \\t\""), "f", 1, 2, v)));
    assertEquals(
        "must be 1 to 2 characters after trimming spaces",
        refused(v -> Fields.trimmed(json("\"   \""), "f", 1, 2, v)));
    assertEquals(
        "must be 1 to 2 characters after trimming spaces",
        refused(v -> Fields.trimmed(json("\" abc \""), "f", 1, 2, v)));
    assertEquals("", accepted(v -> Fields.trimmed(json("\"   \""), "f", 0, 2, v)));
    assertEquals(
        "must be at most 2 characters after trimming spaces",
        refused(v -> Fields.trimmed(json("\"abc\""), "f", 0, 2, v)));
  }

  @Test
  void emailIsCanonicalOrRefusedWithTheReason() {
    assertEquals(
        "Ada@example.com", accepted(v -> Fields.email(json("\" Ada@ｅxample.com \""), "f", v)));
    assertEquals("must be an email address", refused(v -> Fields.email(json("\"ada\""), "f", v)));
    assertEquals(
        "must not contain invisible or control characters",
        refused(v -> Fields.email(json("\"a\\u200bda@example.com\""), "f", v)));
    assertEquals(
        "must not contain NUL characters",
        refused(v -> Fields.email(json("\"ada@example.com\\u0000\""), "f", v)));
    assertEquals("must be a string", refused(v -> Fields.email(json("7"), "f", v)));
  }

  @Test
  void booleansAreJsonBooleans() {
    assertEquals(true, accepted(v -> Fields.bool(json("true"), "f", v)));
    assertEquals(false, accepted(v -> Fields.bool(json("false"), "f", v)));
    for (String node : List.of("\"true\"", "1", "0", "[]")) {
      assertEquals("must be true or false", refused(v -> Fields.bool(json(node), "f", v)), node);
    }
  }

  @Test
  void integersAreJsonIntegersInRange() {
    assertEquals(
        3650L, FieldsTest.<Long>accepted(v -> Fields.integer(json("3650"), "f", 1, 3650, v)));
    assertEquals(
        Long.MAX_VALUE,
        FieldsTest.<Long>accepted(
            v -> Fields.integer(json("9223372036854775807"), "f", 1, Long.MAX_VALUE, v)));
    for (String node : List.of("0", "3651", "1.0", "\"5\"", "18446744073709551621", "true")) {
      assertEquals(
          "must be an integer from 1 to 3650",
          refused(v -> Fields.integer(json(node), "f", 1, 3650, v)),
          node);
    }
    assertEquals(
        "must be an integer >= 1",
        refused(v -> Fields.integer(json("9223372036854775808"), "f", 1, Long.MAX_VALUE, v)));
  }
}
