package dev.taskloop.system.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** The exact-decimal field rule (prices) and its one wording. */
public final class Decimals {
  private Decimals() {}

  /**
   * An exact decimal of at most {@code integerDigits} digits before the point and {@code places}
   * after it, not negative. As a JSON string: 1 to {@code integerDigits} ASCII digits, then
   * optionally a point and 1 to {@code places} digits. As a JSON number ({@code 12.5}, {@code 12},
   * {@code 1.25e1}): its value, read from its text and never through a double (see {@link Json}),
   * with no more places than that once trailing zeros are dropped. Null after recording why not.
   */
  public static BigDecimal decimal(
      JsonNode node, String field, int integerDigits, int places, Validation validation) {
    BigDecimal value =
        node.isNumber()
            ? exactNumber(node, integerDigits, places)
            : decimalText(node, integerDigits, places);
    if (value == null) {
      validation.fail(field, rule(places));
    }
    return value;
  }

  private static BigDecimal decimalText(JsonNode node, int integerDigits, int places) {
    String text = node.isTextual() ? node.textValue() : "";
    int point = text.indexOf('.');
    boolean valid =
        point < 0
            ? digits(text, integerDigits)
            : digits(text.substring(0, point), integerDigits)
                && digits(text.substring(point + 1), places);
    return valid ? new BigDecimal(text) : null;
  }

  /** A JSON number's exact value within the bounds, or null (a double is never exact here). */
  private static BigDecimal exactNumber(JsonNode node, int integerDigits, int places) {
    BigDecimal value;
    try {
      if (node.isIntegralNumber()) {
        value = new BigDecimal(node.bigIntegerValue());
      } else if (node.isBigDecimal()) {
        value = node.decimalValue().stripTrailingZeros(); // 100e2147483647: the scale overflows
      } else {
        return null;
      }
    } catch (ArithmeticException e) {
      return null;
    }
    boolean valid =
        value.signum() >= 0
            && value.scale() <= places
            && (long) value.precision() - value.scale() <= integerDigits; // long: 1e2147483647
    return !valid ? null : value.scale() < 0 ? value.setScale(0) : value;
  }

  /** The wording of the decimal rule, with an example of that many places ("12.50"). */
  static String rule(int places) {
    String example = new BigDecimal("12.50").setScale(places, RoundingMode.DOWN).toPlainString();
    return "must be a decimal number or string with at most "
        + places
        + " places, such as \""
        + example
        + "\"";
  }

  /** 1 to {@code max} ASCII digits: no sign, no space, no digits of other scripts. */
  private static boolean digits(String text, int max) {
    return !text.isEmpty()
        && text.length() <= max
        && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
