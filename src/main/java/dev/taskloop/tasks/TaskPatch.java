package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Validation;

/**
 * Input of {@code PATCH /tasks/{id}} with merge-patch semantics: a field that is absent stays as
 * it is; {@code description: null} clears the description; {@code title} and {@code is_completed}
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

  static TaskPatch from(ObjectNode body) {
    var validation = new Validation();
    String title = null;
    if (body.has("title")) {
      JsonNode node = body.get("title");
      if (node.isNull()) {
        validation.fail("title", "cannot be null");
      } else {
        title = TaskInput.title(node, validation);
      }
    }
    boolean setDescription = body.has("description");
    String description = setDescription ? TaskInput.description(body.get("description"), validation) : null;
    if (body.has("is_completed") && body.get("is_completed").isNull()) {
      validation.fail("is_completed", "cannot be null");
    }
    Boolean completed = body.has("is_completed") && !body.get("is_completed").isNull()
        ? TaskInput.completed(body, validation) : null;
    validation.check();
    return new TaskPatch(title, setDescription, description, completed);
  }
}
