package dev.taskloop.system.openapi;

import dev.taskloop.system.openapi.ApiDocument.Operation;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request of the request-rules walk: an operation's valid baseline (path values, query values,
 * body) that one case then changes. Values are kept unencoded; {@link #uri} encodes them.
 */
final class RuleRequest {
  final Operation op;
  final Map<String, String> path = new LinkedHashMap<>();
  final Map<String, String> query = new LinkedHashMap<>();

  /** The JSON object body; null for none (unless {@link #rawBody} is set). */
  JsonObject body;

  /** A body that is not an object (a case breaking the body's own type), sent as is. */
  String rawBody;

  RuleRequest(Operation op) {
    this.op = op;
  }

  String uri() {
    String uri = op.path();
    for (var value : path.entrySet()) {
      uri = uri.replace("{" + value.getKey() + "}", encode(value.getValue()));
    }
    var pairs = new ArrayList<String>();
    query.forEach((name, value) -> pairs.add(encode(name) + "=" + encode(value)));
    return pairs.isEmpty() ? uri : uri + "?" + String.join("&", pairs);
  }

  /** The body's text, or null for none. */
  String bodyText() {
    return rawBody != null ? rawBody : body == null ? null : body.encode();
  }

  /** The first media type the document lists for the body (every one of them takes JSON). */
  String contentType() {
    return bodyText() == null ? null : op.body().orElseThrow().mediaTypes().getFirst();
  }

  /** Whether the document accepts this request: its parameters and its body. */
  boolean documentAccepts(ApiDocument document) {
    for (var p : op.parameters()) {
      String value = (p.in().equals("path") ? path : query).get(p.name());
      if (value == null ? p.required() : !document.accepts(p, encode(value))) {
        return false;
      }
    }
    String text = bodyText();
    return !document.rulesOutBody(op, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    String text = bodyText();
    return op.method()
        + " "
        + uri()
        + (text == null ? "" : " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
  }
}
