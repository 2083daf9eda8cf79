package dev.taskloop.system.http;

import dev.taskloop.system.http.ApiException.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every failing input of one request (path, query and body), so the client learns all of
 * them at once (422 with {@code errors[]}), not just the first.
 */
public final class Validation {
  private final List<FieldError> errors = new ArrayList<>(2);

  public void fail(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /**
   * How many failures so far; parsers compare it before and after to know whether they added one.
   */
  public int size() {
    return errors.size();
  }

  /** Throws a 422 {@link ApiException} listing every failure, if there is any. */
  public void check() {
    if (!errors.isEmpty()) {
      throw ApiException.validation(errors);
    }
  }
}
