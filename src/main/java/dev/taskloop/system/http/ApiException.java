package dev.taskloop.system.http;

import java.util.List;

/**
 * An error the client should see as it is: a problem kind, a human-readable detail, and for
 * validation every failing field. Thrown (or failed) anywhere in a request; the failure handler
 * turns it into problem+json. Carries no stack trace: it is control flow, not a fault.
 */
public final class ApiException extends RuntimeException {
  /** One failing input of a request: a body field, a query parameter or a path parameter. */
  public record FieldError(String field, String message) {}

  private final ProblemType kind;
  private final List<FieldError> errors;
  private final long retryAfterSeconds;

  public ApiException(ProblemType kind, String detail, List<FieldError> errors) {
    this(kind, detail, errors, 0);
  }

  private ApiException(
      ProblemType kind, String detail, List<FieldError> errors, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.kind = kind;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 401: the same answer for every reason (missing, malformed, unknown, revoked, expired...). */
  public static ApiException unauthorized() {
    return new ApiException(
        ProblemType.UNAUTHORIZED,
        "Send a valid API key as Authorization: Bearer <key> or X-API-Key: <key>.");
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(ProblemType.FORBIDDEN, detail);
  }

  /** 429 (or any kind) with a {@code Retry-After} in seconds. */
  public static ApiException retryLater(ProblemType kind, String detail, long seconds) {
    return new ApiException(kind, detail, List.of(), Math.max(1, seconds));
  }

  /** Seconds for {@code Retry-After}, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public ApiException(ProblemType kind, String detail) {
    this(kind, detail, List.of());
  }

  public static ApiException notFound(String what, Object id) {
    return new ApiException(ProblemType.NOT_FOUND, what + " " + id + " does not exist");
  }

  /** 422 for one failing input. */
  public static ApiException validation(String field, String message) {
    return validation(List.of(new FieldError(field, message)));
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
