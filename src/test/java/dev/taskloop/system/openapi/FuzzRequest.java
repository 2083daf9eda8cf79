package dev.taskloop.system.openapi;

import static dev.taskloop.system.openapi.ApiDocument.types;

import dev.taskloop.system.openapi.ApiDocument.Operation;
import dev.taskloop.system.openapi.FuzzValues.Value;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One request of the fuzz test, as sent: {@code uri} with {@code pathValues} in it, headers and
 * body bytes (null: none). {@code mustFail} when the document rules it out: then no 2xx will do.
 */
record FuzzRequest(
    Operation operation,
    String family,
    String detail,
    String uri,
    Map<String, String> pathValues,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    boolean mustFail) {
  /** A request under construction: valid, until a mutation changes one thing. */
  static final class Draft {
    final Operation op;
    final Map<String, String> path = new LinkedHashMap<>();
    final List<String> query = new ArrayList<>();
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    final Map<String, String> fragments = new LinkedHashMap<>(); // placeholder -> raw JSON
    JsonObject object;
    byte[] raw; // the body's bytes, when not those of object
    String contentType;
    boolean judgeBody = true;
    boolean judgeQuery = true;
    boolean mustFail;

    Draft(Operation op) {
      this.op = op;
    }

    /** Replaces the credentials with {@code pairs} (name, value, name, value...). */
    void auth(List<String> pairs, boolean ruledOut) {
      headers.clear();
      for (int i = 0; i < pairs.size(); i += 2) {
        headers.add(Map.entry(pairs.get(i), pairs.get(i + 1)));
      }
      mustFail = ruledOut;
    }

    void field(String name, Value value) {
      if (value.raw() == null) {
        object.put(name, value.json());
      } else {
        String placeholder = "@@fuzz" + fragments.size() + "@@";
        object.put(name, placeholder);
        fragments.put("\"" + placeholder + "\"", value.raw());
      }
      judgeBody = value.judged();
    }

    void body(String type, byte[] bytes) {
      object = null;
      contentType = type;
      raw = bytes;
    }

    /** Rewrites the valid body's text; {@code judged}: the document settles whether it is valid. */
    void text(Function<String, String> rewrite, boolean judged) {
      raw = rewrite.apply(object.encode()).getBytes(StandardCharsets.UTF_8);
      judgeBody = judged;
    }

    /** The valid body in another encoding, which receivers may refuse. */
    void encoded(Function<String, byte[]> encoding) {
      raw = encoding.apply(object.encode());
      judgeBody = false;
    }

    /** The body in {@code charset} with {@code bytes} inside its first string field (or "fuzz"). */
    void spliced(JsonObject properties, Charset charset, byte[] bytes, boolean judged) {
      String field =
          properties.fieldNames().stream()
              .filter(f -> types(properties.getJsonObject(f)).contains("string"))
              .findFirst()
              .orElse("fuzz");
      String[] parts = object.put(field, "@@bytes@@").encode().split("@@bytes@@");
      var out = new ByteArrayOutputStream();
      out.writeBytes(parts[0].getBytes(charset));
      out.writeBytes(bytes);
      out.writeBytes(parts[1].getBytes(charset));
      raw = out.toByteArray();
      judgeBody = judged;
    }

    /** The request, and whether {@code document} rules it out. */
    FuzzRequest build(ApiDocument document, String family, String detail) {
      String uri = op.path();
      for (var e : path.entrySet()) {
        uri = uri.replace("{" + e.getKey() + "}", e.getValue());
      }
      if (!query.isEmpty()) {
        uri += "?" + String.join("&", query);
      }
      byte[] bytes = raw;
      if (bytes == null && object != null) {
        String text = object.encode();
        for (var e : fragments.entrySet()) {
          text = text.replace(e.getKey(), e.getValue());
        }
        bytes = text.getBytes(StandardCharsets.UTF_8);
      }
      var all = new ArrayList<>(headers);
      if (contentType != null) {
        all.add(Map.entry("Content-Type", contentType));
      }
      boolean fails =
          mustFail
              || op.in("path").stream().anyMatch(p -> !document.accepts(p, path.get(p.name())))
              || (judgeQuery && query.stream().anyMatch(pair -> rulesOut(document, pair)))
              || document.rulesOutContentType(op, contentType, bytes)
              || (judgeBody && document.rulesOutBody(op, bytes));
      if (family.equals("valid") && fails) { // the generator's own bug, not the service's
        throw new IllegalStateException(
            "generated an invalid 'valid' request: " + op.name() + " " + uri);
      }
      return new FuzzRequest(
          op, family, detail, uri, Map.copyOf(path), List.copyOf(all), bytes, fails);
    }

    /** Whether a {@code name=value} pair of a declared parameter has a value it does not accept. */
    private boolean rulesOut(ApiDocument document, String pair) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      return op.in("query").stream()
          .anyMatch(p -> p.name().equals(name) && !document.accepts(p, value));
    }
  }
}
