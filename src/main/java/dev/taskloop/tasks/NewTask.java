package dev.taskloop.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Validation;

/** Input of {@code POST /tasks}: a trimmed title (1..50) and an optional description (<= 255). */
record NewTask(String title, String description) {
  /** Validates a request body (unknown fields ignored); 422 lists every failing field. */
  static NewTask from(ObjectNode body) {
    var validation = new Validation();
    String title = TaskInput.title(body.get("title"), validation);
    String description = TaskInput.description(body.get("description"), validation);
    validation.check();
    return new NewTask(title, description);
  }
}
