package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact-decimal rule on values parsed as bodies are ({@link Json#parse}): strings by their
 * text, numbers by their exact value, never a double.
 */
class DecimalsTest {
  private static final String RULE =
      "must be a decimal number or string with at most 2 places, such as \"12.50\"";

  private static JsonNode json(String text) {
    try {
      return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static BigDecimal decimal(String node, Validation validation) {
    return Decimals.decimal(json(node), "f", 10, 2, validation);
  }

  @ParameterizedTest
  @CsvSource({
    "'\"0\"', 0",
    "'\"12\"', 12",
    "'\"12.5\"', 12.5",
    "'\"12.50\"', 12.50",
    "'\"0.01\"', 0.01",
    "'\"9999999999.99\"', 9999999999.99",
    "12.5, 12.5",
    "12.50, 12.5",
    "12.500, 12.5",
    "12, 12",
    "0, 0",
    "-0.0, 0",
    "0.1, 0.1",
    "0.07, 0.07",
    "1.25e1, 12.5",
    "1E2, 100",
    "9999999999.99, 9999999999.99"
  })
  void exactDecimalsAreAccepted(String node, BigDecimal expected) {
    var validation = new Validation();
    BigDecimal value = decimal(node, validation);
    validation.check();
    assertEquals(0, expected.compareTo(value), node + " -> " + value);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"12.\"",
        "\".5\"",
        "\"12.505\"",
        "\"12345678901\"",
        "\"-1\"",
        "\"+1\"",
        "\"1e2\"",
        "\" 1\"",
        "\"1,50\"",
        "\"\"",
        "\"\u0661\u0662\"",
        "12.505",
        "0.001",
        "-1",
        "-0.01",
        "12345678901",
        "10000000000.5",
        "1e10",
        "1e-3",
        "123456789012345678901234567890",
        "1e2147483647",
        "100e2147483647",
        "1e-2147483647",
        "null",
        "true",
        "[]"
      })
  void otherValuesAreRefusedWithOneWording(String node) {
    var validation = new Validation();
    assertNull(decimal(node, validation));
    var e = assertThrows(ApiException.class, validation::check);
    assertEquals(1, e.errors().size(), e.errors()::toString);
    assertEquals(RULE, e.errors().getFirst().message(), node);
  }
}
