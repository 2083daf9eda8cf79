package dev.taskloop.system.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reading request input: path and query parameters into typed values (failures collected in a
 * {@link Validation}), and JSON bodies with the right status for each way they can be wrong.
 */
public final class Requests {
  /** Media types a JSON body may be sent as; merge-patch is what PATCH bodies are. */
  public static final Set<String> JSON_TYPES = Set.of("application/json", "application/merge-patch+json");

  private Requests() {}

  /** A positive 64-bit id from the path; anything else is a 422 naming the parameter. */
  public static long id(RoutingContext ctx, String name) {
    Validation validation = new Validation();
    Long id = parseLong(ctx.pathParam(name), name, 1, Long.MAX_VALUE, validation);
    validation.check();
    return id;
  }

  /** An optional integer query parameter within [min, max]; null when absent. */
  public static Long longQuery(RoutingContext ctx, String name, long min, long max, Validation validation) {
    String raw = query(ctx, name);
    return raw == null ? null : parseLong(raw, name, min, max, validation);
  }

  /** An optional boolean query parameter (true/false, also 1/0); null when absent. */
  public static Boolean boolQuery(RoutingContext ctx, String name, Validation validation) {
    String raw = query(ctx, name);
    if (raw == null) {
      return null;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> {
        validation.fail(name, "must be true or false");
        yield null;
      }
    };
  }

  /** Whether the request carried a body at all. */
  public static boolean hasBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body != null && body.length() > 0;
  }

  /**
   * The body as a JSON object. 415 for a non-JSON content type, 400 for malformed JSON, 422 when it
   * is missing or not an object.
   */
  public static ObjectNode jsonObject(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!hasBody(ctx)) {
      throw ApiException.validation(List.of(new FieldError("body", "a JSON object is required")));
    }
    if (contentType == null || !JSON_TYPES.contains(mediaType(contentType))) {
      throw new ApiException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "Send the body as application/json" + (contentType == null ? "" : ", not " + mediaType(contentType)) + ".");
    }
    JsonNode node;
    try {
      node = Json.parse(ctx.body().buffer().getBytes());
    } catch (JsonProcessingException e) {
      throw new ApiException(
          ProblemType.MALFORMED_REQUEST,
          "The body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ").");
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw ApiException.validation(List.of(new FieldError("body", "must be a JSON object")));
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  private static String query(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.isEmpty() ? null : values.getFirst();
  }

  private static Long parseLong(String raw, String name, long min, long max, Validation validation) {
    try {
      long value = Long.parseLong(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException | NullPointerException ignored) {
      // reported below
    }
    validation.fail(name, "must be an integer " + range(min, max));
    return null;
  }

  private static String range(long min, long max) {
    return max == Long.MAX_VALUE ? ">= " + min : "from " + min + " to " + max;
  }
}
