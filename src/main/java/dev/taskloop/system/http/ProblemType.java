package dev.taskloop.system.http;

import java.net.URI;

/**
 * The closed set of error kinds the API answers with. {@link #type()} is a stable identifier per
 * kind (RFC 9457 {@code type}); clients may switch on it.
 */
public enum ProblemType {
  MALFORMED_REQUEST(400, "Malformed request", "malformed-request"),
  UNAUTHORIZED(401, "Unauthorized", "unauthorized"),
  FORBIDDEN(403, "Forbidden", "forbidden"),
  NOT_FOUND(404, "Not found", "not-found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed", "method-not-allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable", "not-acceptable"),
  REQUEST_TIMEOUT(408, "Request timeout", "request-timeout"),
  CONFLICT(409, "Conflict", "conflict"),
  /** Another request with the same Idempotency-Key is still running. */
  IDEMPOTENCY_KEY_IN_USE(409, "Idempotency-Key in use", "idempotency-key-in-use"),
  PRECONDITION_FAILED(412, "Precondition failed", "precondition-failed"),
  PAYLOAD_TOO_LARGE(413, "Payload too large", "payload-too-large"),
  URI_TOO_LONG(414, "URI too long", "uri-too-long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "unsupported-media-type"),
  VALIDATION(422, "Validation failed", "validation-error"),
  /** The Idempotency-Key was used before with another request (method, path or body). */
  IDEMPOTENCY_KEY_REUSED(422, "Idempotency-Key reused", "idempotency-key-reused"),
  TOO_MANY_REQUESTS(429, "Too many requests", "too-many-requests"),
  HEADERS_TOO_LARGE(431, "Request header fields too large", "headers-too-large"),
  INTERNAL(500, "Internal server error", "internal-error"),
  SERVICE_UNAVAILABLE(503, "Service unavailable", "service-unavailable");

  private static final String BASE = "https://taskloop.dev/problems/";

  private final int status;
  private final String title;
  private final URI type;

  ProblemType(int status, String title, String slug) {
    this.status = status;
    this.title = title;
    this.type = URI.create(BASE + slug);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public URI type() {
    return type;
  }

  /** The kind for a bare HTTP status raised by the router or a vertx-web handler. */
  static ProblemType forStatus(int status) {
    for (ProblemType kind : values()) {
      if (kind.status == status) {
        return kind;
      }
    }
    return status >= 400 && status < 500 ? MALFORMED_REQUEST : INTERNAL;
  }
}
