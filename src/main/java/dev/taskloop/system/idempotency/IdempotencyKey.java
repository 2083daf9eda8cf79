package dev.taskloop.system.idempotency;

import dev.taskloop.system.http.Validation;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A request's {@code Idempotency-Key} (IETF httpapi draft): an sf-string, quoted as the draft
 * writes it or bare as most clients send it, 1 to 255 printable ASCII characters. Only its SHA-256
 * is stored; the key itself also seals the stored response ({@link Sealed}).
 *
 * @param value the key as the client sent it, quotes removed
 * @param fingerprint hex SHA-256 of the request's method, path and body: a retry must match it
 */
record IdempotencyKey(String value, String fingerprint) {
  static final String HEADER = "Idempotency-Key";
  static final int MAX_LENGTH = 255;

  /** The request's key, or empty without the header; a malformed one is a failure of the field. */
  static Optional<IdempotencyKey> of(RoutingContext ctx, Validation validation) {
    List<String> fields = ctx.request().headers().getAll(HEADER);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    String raw = fields.getFirst().strip();
    String key =
        raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")
            ? raw.substring(1, raw.length() - 1)
            : raw;
    String problem = problem(fields.size(), key);
    if (problem != null) {
      validation.fail(HEADER, problem);
      return Optional.empty();
    }
    return Optional.of(new IdempotencyKey(key, fingerprint(ctx)));
  }

  /** Why the key is refused, or null. */
  private static String problem(int fields, String key) {
    if (fields > 1) {
      return "send one Idempotency-Key";
    }
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      return "must be 1 to " + MAX_LENGTH + " characters";
    }
    if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"')) {
      return "must be printable ASCII characters (no quotes inside)";
    }
    return null;
  }

  /** Hex SHA-256 of the key: the stored name of it. */
  String hash() {
    return sha256(value.getBytes(StandardCharsets.US_ASCII));
  }

  private static String fingerprint(RoutingContext ctx) {
    // The route's template (Routes names each route by it): /tasks and /tasks/ are one endpoint.
    String head = ctx.request().method().name() + " " + ctx.currentRoute().getName() + "\n";
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    byte[] start = head.getBytes(StandardCharsets.UTF_8);
    byte[] rest = body == null ? new byte[0] : body.getBytes();
    byte[] all = new byte[start.length + rest.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(rest, 0, all, start.length, rest.length);
    return sha256(all);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
