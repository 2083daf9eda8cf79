package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/**
 * Input of {@code PATCH /tasks/{id}} with merge-patch semantics: a field that is absent stays as it
 * is; {@code description: null} clears the description; {@code title} and {@code is_completed}
 * cannot be null.
 *
 * @param title new title, or null to keep it
 * @param setDescription whether {@code description} is part of the patch
 * @param description new description (null clears it) when {@code setDescription}
 * @param completed new completion state, or null to keep it
 */
record TaskPatch(String title, boolean setDescription, String description, Boolean completed) {

  boolean isEmpty() {
    return title == null && !setDescription && completed == null;
  }

  /** The original API's form: {@code PATCH /tasks/{id}?completed=true} with no body. */
  static TaskPatch completion(boolean completed) {
    return new TaskPatch(null, false, null, completed);
  }

  /**
   * Reads a merge-patch body, adding every failing field to {@code validation}; null if any failed.
   */
  static TaskPatch from(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    int before = validation.size();
    JsonNode titleNode = body.get("title");
    String title =
        Fields.patched(titleNode, "title", validation)
            ? TaskInput.title(titleNode, validation)
            : null;
    boolean setDescription = body.has("description");
    String description =
        setDescription ? Fields.description(body.get("description"), validation) : null;
    Boolean completed = TaskInput.completed(body.get("is_completed"), validation);
    return validation.size() == before
        ? new TaskPatch(title, setDescription, description, completed)
        : null;
  }
}
