package dev.taskloop.system.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.system.text.Texts;

/**
 * Rules for JSON string fields that every feature shares, each with one wording: a string, without
 * NUL (PostgreSQL text cannot hold it) and without unpaired surrogates (no database stores them
 * faithfully), its length counted in code points by each rule.
 */
public final class Fields {
  private Fields() {}

  /** The text of a string field, or null after recording why it is not acceptable text. */
  public static String text(JsonNode node, String field, Validation validation) {
    if (!node.isTextual()) {
      validation.fail(field, "must be a string");
      return null;
    }
    String text = node.textValue();
    if (text.indexOf('\0') >= 0) {
      validation.fail(field, "must not contain NUL characters");
      return null;
    }
    if (Texts.hasUnpairedSurrogate(text)) {
      validation.fail(field, "must be valid Unicode text (it holds an unpaired surrogate)");
      return null;
    }
    return text;
  }
}
