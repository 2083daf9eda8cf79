package dev.taskloop.system.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reading request input: path and query parameters into typed values, and JSON bodies with the
 * right status for each way they can be wrong. Parameter failures are added to a {@link Validation}
 * so that one 422 lists every failing input of the request.
 */
public final class Requests {
  private static final Set<String> JSON = Set.of("application/json");

  /** A PATCH body may also be declared as a JSON merge patch (RFC 7396). */
  private static final Set<String> JSON_OR_MERGE_PATCH =
      Set.of("application/json", "application/merge-patch+json");

  private Requests() {}

  /** The path's positive 64-bit {@code id}, for handlers with no other input; else 422. */
  public static long id(RoutingContext ctx) {
    var validation = new Validation();
    Long id = id(ctx, "id", validation);
    validation.check();
    return id;
  }

  /** A positive 64-bit id from the path; null (and a failure recorded) when it is anything else. */
  public static Long id(RoutingContext ctx, String name, Validation validation) {
    return parseLong(ctx.pathParam(name), name, 1, Long.MAX_VALUE, validation);
  }

  /** A UUID from the path; null (and a failure recorded) when it is anything else. */
  public static UUID uuid(RoutingContext ctx, String name, Validation validation) {
    String raw = ctx.pathParam(name);
    try {
      if (raw != null && raw.length() == 36) {
        return UUID.fromString(raw);
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    validation.fail(name, Fields.NOT_UUID);
    return null;
  }

  /** An optional integer query parameter within [min, max]; null when absent or invalid. */
  public static Long longQuery(
      RoutingContext ctx, String name, long min, long max, Validation validation) {
    String raw = query(ctx, name);
    return raw == null ? null : parseLong(raw, name, min, max, validation);
  }

  /** An optional boolean query parameter (true/false, also 1/0); null when absent or invalid. */
  public static Boolean boolQuery(RoutingContext ctx, String name, Validation validation) {
    String raw = query(ctx, name);
    if (raw == null) {
      return null;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> {
        validation.fail(name, Fields.NOT_BOOLEAN);
        yield null;
      }
    };
  }

  /**
   * The offer (a bare {@code type/subtype}) to answer an {@code Accept} header with, by its
   * q-values (see {@link Negotiation}); empty when none is acceptable (406). No or a blank header
   * accepts anything: the first offer.
   */
  public static Optional<String> preferred(String accept, List<String> offers) {
    return Negotiation.choose(accept, offers);
  }

  /** Whether the request carried a body at all. */
  public static boolean hasBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body != null && body.length() > 0;
  }

  /**
   * The body as a JSON object. Fails with 415 for a content type the route does not take (see
   * {@link #unsupportedMediaType}), 400 for bytes that are not UTF-8 or text that is not JSON; a
   * missing body or one that is not an object is added to {@code validation} (and null returned).
   */
  public static ObjectNode jsonObject(RoutingContext ctx, Validation validation) {
    // A declared body's type was checked by the route before it was read; a request without one
    // still names a content type this route may not take.
    ApiException unsupported =
        declaresBody(ctx.request()) ? null : unsupportedMediaType(ctx.request());
    if (unsupported != null) {
      throw unsupported;
    }
    if (!hasBody(ctx)) {
      validation.fail("body", "a JSON object is required");
      return null;
    }
    JsonNode node;
    try {
      node = Json.parse(ctx.body().buffer().getBytes());
    } catch (CharacterCodingException e) {
      throw new ApiException(ProblemType.MALFORMED_REQUEST, "The body is not valid UTF-8.");
    } catch (JsonProcessingException e) {
      throw new ApiException(ProblemType.MALFORMED_REQUEST, notJson(e));
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    validation.fail("body", "must be a JSON object");
    return null;
  }

  /** Why the body is not JSON: a limit, a key named twice, or where the text goes wrong. */
  private static String notJson(JsonProcessingException e) {
    var at = e.getLocation(); // null when a size limit (nesting depth, number length) stopped it
    if (at == null || e instanceof StreamConstraintsException) {
      return "The body is not acceptable JSON (nested deeper than "
          + Json.MAX_DEPTH
          + " levels, or a value too long).";
    }
    String where = " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ").";
    String key = Json.duplicateKey(e);
    return key == null
        ? "The body is not valid JSON" + where
        : "The body names the key \"" + shortened(key) + "\" twice in one object" + where;
  }

  /** At most 64 characters of a key, for a message. */
  private static String shortened(String key) {
    return key.codePointCount(0, key.length()) <= 64
        ? key
        : key.substring(0, key.offsetByCodePoints(0, 64)) + "...";
  }

  /**
   * A 415 for a request whose declared content type the route does not take: JSON, and for PATCH
   * also a JSON merge patch; a body without any content type too. Null when acceptable. Checked
   * from the headers alone: by the route before a body is read (see {@link Routes}), by {@link
   * #jsonObject} for a request without one.
   */
  static ApiException unsupportedMediaType(HttpServerRequest request) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    Set<String> accepted = request.method() == HttpMethod.PATCH ? JSON_OR_MERGE_PATCH : JSON;
    if (contentType != null && !accepted.contains(mediaType(contentType))) {
      return new ApiException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "Send the body as "
              + String.join(" or ", accepted.stream().sorted().toList())
              + ", not "
              + mediaType(contentType)
              + ".");
    }
    if (contentType == null && declaresBody(request)) {
      return new ApiException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body with Content-Type: application/json.");
    }
    return null;
  }

  /** Whether the request's headers announce a body (a length above zero, or chunks). */
  static boolean declaresBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !length.equals("0"))
        || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  private static String query(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.isEmpty() ? null : values.getFirst();
  }

  /**
   * A decimal integer in canonical form only: digits without sign, leading zeros or spaces ({@code
   * 1}, not {@code +1}, {@code 01} or {@code 1 }), so one resource has one URL. Null when the text
   * is anything else or out of range.
   */
  public static Long canonicalLong(String raw) {
    int length = raw == null ? 0 : raw.length();
    if (length == 0 || length > 19 || (raw.charAt(0) == '0' && length > 1)) {
      return null;
    }
    for (int i = 0; i < length; i++) { // ASCII digits only: no sign, no space, no other script
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException tooLarge) {
      return null;
    }
  }

  private static Long parseLong(
      String raw, String name, long min, long max, Validation validation) {
    Long value = canonicalLong(raw);
    if (value != null && value >= min && value <= max) {
      return value;
    }
    validation.fail(name, Fields.integerRule(min, max));
    return null;
  }
}
