package dev.taskloop.system.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every failing field of one request, so the client learns all of them at once (422 with
 * {@code errors[]}), not just the first.
 */
public final class Validation {
  private final List<FieldError> errors = new ArrayList<>(2);

  public void fail(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Throws a 422 {@link ApiException} listing every failure, if there is any. */
  public void check() {
    if (!errors.isEmpty()) {
      throw ApiException.validation(errors);
    }
  }
}
