package dev.taskloop.system.openapi;

import static dev.taskloop.system.openapi.ApiDocument.types;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic values for the request-rules walk: a valid value per schema, and the text of
 * exactly {@code n} code points or an email of exactly {@code n} characters. Every string is unique
 * (a serial number in it), so that names that must be unique per user (categories) never collide;
 * none has spaces, so trimming never changes a length.
 */
final class RuleValues {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /**
   * A letter outside the BMP (DESERET CAPITAL LETTER LONG I): one code point, as JSON Schema counts
   * lengths, but two UTF-16 units and four UTF-8 bytes. NFKC leaves it alone, and the document's
   * email format takes it.
   */
  private static final String WIDE = "\uD801\uDC00";

  /** The length of a valid string where the schema allows it: short, but not a boundary. */
  private static final int PLAIN_LENGTH = 12;

  private final ApiDocument document;
  private int serial;
  private int shortSerial; // texts shorter than a serial: their own count, so they stay unique

  RuleValues(ApiDocument document) {
    this.document = document;
  }

  /**
   * A valid value of the schema: the first {@code enum} value or schema {@code example}, else one
   * made for its type and format. A {@code pattern} needs an example: no value is made for a regex.
   */
  Object valid(JsonObject maybeRef) {
    JsonObject schema = document.resolve(maybeRef);
    if (schema.containsKey("enum")) {
      return schema.getJsonArray("enum").getValue(0);
    }
    if (schema.containsKey("examples")) {
      return schema.getJsonArray("examples").getValue(0);
    }
    String type = types(schema).stream().filter(t -> !t.equals("null")).findFirst().orElseThrow();
    return switch (type) {
      case "string" -> string(schema);
      case "integer" -> schema.getLong("minimum", 1L);
      case "boolean" -> true;
      case "object" -> object(schema);
      default -> throw new IllegalStateException("no valid value for " + schema.encode());
    };
  }

  /** Every property of the object, valid: each field's rules can then be broken in place. */
  JsonObject object(JsonObject maybeRef) {
    JsonObject schema = document.resolve(maybeRef);
    var object = new JsonObject();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    properties
        .fieldNames()
        .forEach(name -> object.put(name, valid(properties.getJsonObject(name))));
    return object;
  }

  private String string(JsonObject schema) {
    if (schema.containsKey("pattern")) {
      throw new IllegalStateException("a pattern needs schema examples: " + schema.encode());
    }
    int length =
        Math.min(
            schema.getInteger("maxLength", Integer.MAX_VALUE),
            Math.max(schema.getInteger("minLength", 0), PLAIN_LENGTH));
    return switch (schema.getString("format", "")) {
      case "" -> text(length);
      case "email", "idn-email" -> email(Math.max(length, 24));
      case "uuid" -> UUID.randomUUID().toString();
      case String other -> throw new IllegalStateException("no value for format " + other);
    };
  }

  /**
   * Unique text of exactly {@code n} code points: letters, digits and underscores, ending in {@link
   * #WIDE} when there is room, so that a length counted in UTF-16 units (or bytes) is caught at a
   * boundary.
   */
  String text(int n) {
    String unique = Integer.toString(++serial, ALPHABET.length());
    if (n <= unique.length()) {
      return String.valueOf(ALPHABET.charAt(shortSerial++ % ALPHABET.length())).repeat(n);
    }
    // padded with '_', which no serial contains: "l" + "xx.." and "lx" + "x.." would be one text
    return unique + "_".repeat(n - unique.length() - 1) + WIDE;
  }

  /**
   * A unique, valid address of exactly {@code n} characters, all ASCII: the document's email format
   * counts an address's length in its own units, not in code points as {@code maxLength} does.
   * Labels have at most 49 letters: the format check refuses some longer ones that RFC 1035 allows.
   */
  String email(int n) {
    String local = "r" + Integer.toString(++serial, ALPHABET.length()) + "@";
    var domain = new StringBuilder();
    int remaining = n - local.length() - ".com".length();
    while (remaining > 0) {
      int label = Math.min(remaining, 49);
      domain.append("d".repeat(label));
      remaining -= label;
      if (remaining > 0) {
        domain.append('.');
        remaining--;
        if (remaining == 0) { // no empty label: lengthen the last one
          domain.setLength(domain.length() - 1);
          domain.append('d');
        }
      }
    }
    return local + domain + ".com";
  }

  /**
   * A value of a JSON type the schema does not allow: a number for text, text for the rest, and a
   * boolean for text or number (an integer is a number).
   */
  static Object wrongType(List<String> types) {
    if (types.contains("string")) {
      return types.contains("number") || types.contains("integer") ? (Object) true : 42;
    }
    return "x";
  }

  /** The document's own values for a field: its schema {@code examples}. */
  static List<Object> examples(JsonObject schema) {
    return schema.getJsonArray("examples", new JsonArray()).getList();
  }
}
