package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.Validation;

/** Input of {@code POST /tasks}: a trimmed title (1..50) and an optional description (<= 255). */
record NewTask(String title, String description) {
  /**
   * Reads a request body (unknown fields ignored), adding every failing field to {@code
   * validation}; null when the body is missing (already reported) or invalid.
   */
  static NewTask from(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    int before = validation.size();
    String title = TaskInput.title(body.get("title"), validation);
    String description = Fields.description(body.get("description"), validation);
    return validation.size() == before ? new NewTask(title, description) : null;
  }
}
