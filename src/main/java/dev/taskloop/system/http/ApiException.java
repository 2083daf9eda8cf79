package dev.taskloop.system.http;

import java.util.List;

/**
 * An error the client should see as it is: a problem kind, a human-readable detail, and for
 * validation every failing field. Thrown (or failed) anywhere in a request; the failure handler
 * turns it into problem+json. Carries no stack trace: it is control flow, not a fault.
 */
public final class ApiException extends RuntimeException {
  private final ProblemType kind;
  private final List<FieldError> errors;

  public ApiException(ProblemType kind, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public ApiException(ProblemType kind, String detail) {
    this(kind, detail, List.of());
  }

  public static ApiException notFound(String what, Object id) {
    return new ApiException(ProblemType.NOT_FOUND, what + " " + id + " does not exist");
  }

  public static ApiException validation(List<FieldError> errors) {
    return new ApiException(
        ProblemType.VALIDATION, "The request has invalid values: see errors.", errors);
  }

  public ProblemType kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
