package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/** Field rules of categories and items. */
final class CatalogInput {
  private CatalogInput() {}

  /** A trimmed name of 1..100 characters; null after recording why not. */
  static String name(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      validation.fail("name", "is required");
      return null;
    }
    String text = Fields.text(node, "name", validation);
    if (text == null) {
      return null;
    }
    String name = text.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > 100) {
      validation.fail("name", "must be 1 to 100 characters after trimming spaces");
      return null;
    }
    return name;
  }

  /** An optional description of at most 255 characters. */
  static String description(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = Fields.text(node, "description", validation);
    if (text != null && text.codePointCount(0, text.length()) > 255) {
      validation.fail("description", "must be at most 255 characters");
      return null;
    }
    return text;
  }

  static Long categoryId(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      validation.fail("category_id", "is required");
      return null;
    }
    if (!node.isIntegralNumber() || node.asLong() < 1 || !node.canConvertToLong()) {
      validation.fail("category_id", "must be an integer >= 1");
      return null;
    }
    return node.asLong();
  }

  /** A full item (POST, PUT): every field checked. */
  static ItemInput item(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    int before = validation.size();
    Long category = categoryId(body.get("category_id"), validation);
    String name = name(body.get("name"), validation);
    String description = description(body.get("description"), validation);
    Long cents = Prices.cents(body.get("price"), validation);
    return validation.size() == before
        ? new ItemInput(category, name, true, description, cents)
        : null;
  }

  /** A merge patch of an item: absent fields stay; description may be null, the rest not. */
  static ItemInput itemPatch(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    int before = validation.size();
    Long category =
        body.has("category_id") ? categoryId(body.get("category_id"), validation) : null;
    String name = body.has("name") ? name(body.get("name"), validation) : null;
    boolean setDescription = body.has("description");
    String description = setDescription ? description(body.get("description"), validation) : null;
    Long cents = body.has("price") ? Prices.cents(body.get("price"), validation) : null;
    return validation.size() == before
        ? new ItemInput(category, name, setDescription, description, cents)
        : null;
  }

  /** Item fields; null means "keep" (except description, governed by setDescription). */
  record ItemInput(
      Long categoryId, String name, boolean setDescription, String description, Long cents) {}
}
