package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.system.http.Validation;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Exact money: a decimal string with at most 2 places on the wire, integer cents in the database,
 * {@link BigDecimal} in between. No floating point anywhere.
 */
final class Prices {
  /** At most 10 digits before the point: fits cents in a long with room for sums. */
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,10}(\\.[0-9]{1,2})?");

  private Prices() {}

  /** Cents from a JSON string like "12.5" or "12.50"; null after recording why not. */
  static Long cents(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      validation.fail("price", "is required");
      return null;
    }
    if (!node.isTextual() || !DECIMAL.matcher(node.textValue()).matches()) {
      validation.fail("price", "must be a decimal string with at most 2 places, such as \"12.50\"");
      return null;
    }
    return new BigDecimal(node.textValue()).movePointRight(2).longValueExact();
  }

  /** "12.50" for 1250. */
  static String format(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString();
  }
}
