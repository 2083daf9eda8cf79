package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.system.http.Decimals;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;
import java.math.BigDecimal;

/**
 * Exact money: a decimal string with at most 2 places on the wire, integer cents in the database,
 * {@link BigDecimal} in between. No floating point anywhere.
 */
final class Prices {
  /** Digits before the point: cents fit in a long with room for sums. */
  static final int INTEGER_DIGITS = 10;

  /** Digits after the point, on the wire; the database holds cents. */
  static final int PLACES = 2;

  private Prices() {}

  /** Cents from "12.5", "12.50" or 12.5 (see {@link Decimals}); null after recording why not. */
  static Long cents(JsonNode node, Validation validation) {
    if (!Fields.required(node, "price", validation)) {
      return null;
    }
    BigDecimal price = Decimals.decimal(node, "price", INTEGER_DIGITS, PLACES, validation);
    return price == null ? null : price.movePointRight(PLACES).longValueExact();
  }

  /** "12.50" for 1250. */
  static String format(long cents) {
    return BigDecimal.valueOf(cents, PLACES).toPlainString();
  }

  /** 1250 for "12.50": the inverse of {@link #format}. */
  static long cents(String formatted) {
    return new BigDecimal(formatted).movePointRight(PLACES).longValueExact();
  }
}
