package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/** Field rules of categories and items. */
final class CatalogInput {
  static final int NAME_MAX = Fields.NAME_MAX;

  private CatalogInput() {}

  /** A trimmed name of 1..100 characters; null after recording why not (absent too). */
  static String name(JsonNode node, Validation validation) {
    return Fields.requiredTrimmed(node, "name", NAME_MAX, validation);
  }

  /** The id of a category, an integer >= 1; null after recording why not (absent too). */
  static Long categoryId(JsonNode node, Validation validation) {
    return Fields.required(node, "category_id", validation)
        ? Fields.integer(node, "category_id", 1, Long.MAX_VALUE, validation)
        : null;
  }

  /** A full item (POST, PUT): every field checked. */
  static ItemInput item(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    int before = validation.size();
    Long category = categoryId(body.get("category_id"), validation);
    String name = name(body.get("name"), validation);
    String description = Fields.description(body.get("description"), validation);
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
    JsonNode categoryNode = body.get("category_id");
    JsonNode nameNode = body.get("name");
    JsonNode priceNode = body.get("price");
    Long category =
        Fields.patched(categoryNode, "category_id", validation)
            ? categoryId(categoryNode, validation)
            : null;
    String name = Fields.patched(nameNode, "name", validation) ? name(nameNode, validation) : null;
    boolean setDescription = body.has("description");
    String description =
        setDescription ? Fields.description(body.get("description"), validation) : null;
    Long cents =
        Fields.patched(priceNode, "price", validation) ? Prices.cents(priceNode, validation) : null;
    return validation.size() == before
        ? new ItemInput(category, name, setDescription, description, cents)
        : null;
  }

  /** Item fields; null means "keep" (except description, governed by setDescription). */
  record ItemInput(
      Long categoryId, String name, boolean setDescription, String description, Long cents) {}
}
