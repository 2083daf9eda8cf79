package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/** Field rules shared by create and update: one definition of what a valid title is. */
final class TaskInput {
  /** Characters of a title after trimming (the column's CHECK allows 1..50). */
  static final int TITLE_MAX = 50;

  private TaskInput() {}

  /** Trimmed title of 1..50 characters, or null after recording why not (absent too). */
  static String title(JsonNode node, Validation validation) {
    return Fields.requiredTrimmed(node, "title", TITLE_MAX, validation);
  }

  /** {@code is_completed} of a patch: absent is null; JSON null or a non-boolean is a failure. */
  static Boolean completed(JsonNode node, Validation validation) {
    return Fields.patched(node, "is_completed", validation)
        ? Fields.bool(node, "is_completed", validation)
        : null;
  }
}
