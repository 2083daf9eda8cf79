package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/** Field rules shared by create and update: one definition of what a valid title is. */
final class TaskInput {
  static final int TITLE_MAX = 50;
  static final int DESCRIPTION_MAX = 255;

  private TaskInput() {}

  /** Trimmed title of 1..50 characters, or null after recording why not. */
  static String title(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      validation.fail("title", "is required");
      return null;
    }
    String text = Fields.text(node, "title", validation);
    if (text == null) {
      return null;
    }
    String title = text.strip();
    int length = title.codePointCount(0, title.length());
    if (length < 1 || length > TITLE_MAX) {
      validation.fail("title", "must be 1 to " + TITLE_MAX + " characters after trimming spaces");
      return null;
    }
    return title;
  }

  /** Description of at most 255 characters; null (absent or JSON null) means none. */
  static String description(JsonNode node, Validation validation) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = Fields.text(node, "description", validation);
    if (text != null && text.codePointCount(0, text.length()) > DESCRIPTION_MAX) {
      validation.fail("description", "must be at most " + DESCRIPTION_MAX + " characters");
      return null;
    }
    return text;
  }

  /** {@code is_completed}: absent is null; JSON null or a non-boolean is a failure. */
  static Boolean completed(ObjectNode body, Validation validation) {
    JsonNode node = body.get("is_completed");
    if (node == null) {
      return null;
    }
    if (node.isNull()) {
      validation.fail("is_completed", "cannot be null");
      return null;
    }
    if (!node.isBoolean()) {
      validation.fail("is_completed", "must be true or false");
      return null;
    }
    return node.booleanValue();
  }
}
