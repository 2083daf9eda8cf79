package dev.taskloop.system.openapi;

import static dev.taskloop.system.openapi.ApiDocument.MAX_BODY_BYTES;
import static dev.taskloop.system.openapi.ApiDocument.types;

import dev.taskloop.system.openapi.ApiDocument.Body;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import dev.taskloop.system.openapi.ApiDocument.Parameter;
import dev.taskloop.system.openapi.FuzzRequest.Draft;
import dev.taskloop.system.openapi.FuzzValues.Value;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The requests the fuzz test sends for one operation, generated from the document: valid requests
 * built from its schemas, and mutations with one thing wrong (a body field, the whole body, the
 * content type, a path or query parameter, the credentials). Values are drawn when a case is sent,
 * so that ids created by earlier requests can be used.
 */
final class FuzzCases {
  /** What generation needs from the running service. */
  interface World {
    String adminKey();

    String otherKey();

    /** Keys that must not work, by name: revoked, of a deactivated user. */
    Map<String, String> deadKeys();

    /** Ids of real resources, by the path segment before {@code {id}} ("tasks", "api-keys"). */
    List<String> ids(String collection);

    /** Points references in a valid body at real resources (category_id, login credentials). */
    void useRealReferences(String schemaName, JsonObject body, Random random);
  }

  // {v} is a valid value (a real id where there is one), {nodash} and {upper} variants of a UUID.
  private static final String BAD_INTEGER_IDS =
      "abc +{v} 0{v} -{v} 0 -0 {v}.0 {v}e0 {v}%20 %20{v} {v}%00 %zz {v}%zz %C3%28 %EF%BC%91 %D9%A3"
          + " 0x{v} {v};a=1 {v}%2F 9223372036854775807 9223372036854775808 99999999999999999999 "
          + "9".repeat(1000);
  private static final String BAD_UUIDS =
      "not-a-uuid 12345 {nodash} {upper} %7B{v}%7D {v}0 g{v} 00000000-0000-0000-0000-000000000000"
          + " urn:uuid:{v} %zz %20{v} {v}%00 1-1-1-1-1 +{v}";
  private static final String BAD_QUERY_VALUES = " %zz %00 %C3%28"; // the first is empty
  private static final String BAD_QUERY_INTEGERS =
      "abc 1.5 %2B{v} 0{v} {v}%20 1e2 99999999999999999999 0x10 %EF%BC%91";
  private static final String BAD_QUERY_BOOLEANS = "yes 2 t truee true%00";
  private static final String BAD_QUERY_STRINGS = "other ITEMS items%00 not-a-uuid {v}0";
  private static final String ODD_QUERIES = "fuzz=1 fuzz=%zz %zz=1 fuzz=% fuzz=" + "a".repeat(3000);
  private static final String[] NOT_OBJECTS = "{not json||null|[]|\"fuzz\"|42|true".split("\\|");
  private static final String[] CONTENT_TYPES =
      ("text/plain|application/x-www-form-urlencoded|multipart/form-data|application/xml"
              + "|application/octet-stream|application/json; charset=utf-8"
              + "|application/json;charset=UTF-16|APPLICATION/JSON|application/merge-patch+json"
              + "|application/problem+json|application/jsonx|*/*|application/json, text/plain|;;;|")
          .split("\\|", -1);
  private static final String[] BAD_UTF8 = "ff c328 c0af eda080 f4908080 e282".split(" ");

  private final ApiDocument document;
  private final World world;
  private final Random random;
  private final FuzzValues values;

  FuzzCases(ApiDocument document, World world, Random random) {
    this.document = document;
    this.world = world;
    this.random = random;
    this.values = new FuzzValues(document, random);
  }

  /** Every case of one operation; the first is a valid request. */
  List<Supplier<FuzzRequest>> of(Operation op) {
    var c = new Cases(op);
    for (int i = 0; i < (op.body().isPresent() ? 24 : 16); i++) {
      c.cases.add(() -> draft(op, false).build(document, "valid", ""));
    }
    op.body().ifPresent(body -> bodyCases(c, body));
    for (Parameter p : op.in("path")) {
      boolean integer = types(p.schema()).contains("integer");
      for (String raw : (integer ? BAD_INTEGER_IDS : BAD_UUIDS).split(" ")) {
        c.add(
            "path",
            p.name() + "=" + abbreviated(raw),
            d -> d.path.compute(p.name(), (n, v) -> variant(raw, v)));
      }
    }
    for (Parameter p : op.in("query")) {
      for (String raw : badQueryValues(p)) {
        c.add(
            "query",
            p.name() + "=" + raw,
            d -> d.query.add(p.name() + "=" + variant(raw, param(p))));
      }
      c.add(
          "query",
          p.name() + " twice, once invalid",
          d -> {
            d.query.addAll(List.of(p.name() + "=" + param(p), p.name() + "=%zz"));
            d.judgeQuery = false; // which of the two counts is not the document's business
          });
    }
    for (String query : (ODD_QUERIES + " ").split(" ", -1)) {
      c.add("query", "?" + abbreviated(query), d -> d.query.add(query));
    }
    authCases(c);
    if (op.body().isEmpty()) {
      c.add(
          "unexpected body",
          "JSON",
          d -> d.body("application/json", "{\"fuzz\":1}".getBytes(StandardCharsets.UTF_8)));
      c.add("unexpected body", "bytes", d -> d.body("text/plain", new byte[] {(byte) 0xFF, 0}));
    }
    return c.cases;
  }

  /** The cases of one operation: each a mutation of a plain valid request. */
  private final class Cases {
    final Operation op;
    final List<Supplier<FuzzRequest>> cases = new ArrayList<>();

    Cases(Operation op) {
      this.op = op;
    }

    void add(String family, String detail, Consumer<Draft> mutation) {
      cases.add(
          () -> {
            var draft = draft(op, true);
            mutation.accept(draft);
            return draft.build(document, family, detail);
          });
    }
  }

  private void bodyCases(Cases c, Body body) {
    JsonObject schema = document.resolve(body.schema());
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (String field : properties.fieldNames()) {
      for (Value value : values.wrong(properties.getJsonObject(field))) {
        c.add("body field", field + ": " + value.label(), d -> d.field(field, value));
      }
    }
    for (Object field : schema.getJsonArray("required", new JsonArray())) {
      c.add("body field", field + " missing", d -> d.object.remove((String) field));
    }
    c.add(
        "body field",
        "unknown fields",
        d ->
            d.object
                .put("fuzz", new JsonObject().put("a", List.of(1)))
                .put("", "")
                .put("__proto__", new JsonObject()));
    for (String text : NOT_OBJECTS) {
      c.add("body", "`" + text + "`", d -> d.raw = text.getBytes(StandardCharsets.UTF_8));
    }
    c.add("body", "no body, no Content-Type", d -> d.body(null, null));
    c.add("body", "array of the object", d -> d.text(t -> "[" + t + "]", true));
    c.add("body", "trailing garbage", d -> d.text(t -> t + "x", true));
    c.add("body", "two objects", d -> d.text(t -> t + "{}", true));
    c.add("body", "truncated", d -> d.text(t -> t.substring(0, t.length() - 1), true));
    c.add("body", "surrounding whitespace", d -> d.text(t -> " \r\n\t" + t + "\n ", true));
    // JSON leaves both to the receiver: duplicate names and nesting limits.
    c.add("body", "duplicate key", d -> d.text(t -> withMember(t, "\"fuzz\":1,\"fuzz\":2"), false));
    c.add(
        "body",
        "nested 5000 deep",
        d -> d.text(t -> withMember(t, "\"fuzz\":" + "[".repeat(5000) + "]".repeat(5000)), false));
    c.add("body", "larger than 64 KiB", d -> d.object.put("fuzz", "a".repeat(MAX_BODY_BYTES)));
    c.add(
        "body", "just under 64 KiB", d -> d.object.put("fuzz", "a".repeat(MAX_BODY_BYTES - 1024)));
    for (String hex : BAD_UTF8) {
      byte[] bytes = HexFormat.of().parseHex(hex);
      c.add(
          "body",
          "invalid UTF-8 " + hex,
          d -> d.spliced(properties, StandardCharsets.UTF_8, bytes, true));
    }
    // Other encodings than UTF-8: RFC 8259 lets receivers refuse them, but not crash on them.
    c.add(
        "body", "UTF-8 BOM", d -> d.encoded(t -> ("\uFEFF" + t).getBytes(StandardCharsets.UTF_8)));
    for (String name : "UTF-16 UTF-16BE UTF-16LE UTF-32BE UTF-32LE".split(" ")) {
      Charset charset = Charset.forName(name);
      c.add("body", name, d -> d.encoded(t -> t.getBytes(charset)));
      c.add(
          "body",
          name + " truncated",
          d -> d.encoded(t -> Arrays.copyOf(t.getBytes(charset), t.getBytes(charset).length - 1)));
    }
    for (String name : "UTF-32BE UTF-32LE".split(" ")) {
      Charset charset = Charset.forName(name);
      byte[] beyond = "\uDBFF\uDFFF".getBytes(charset); // U+10FFFF, then one more
      beyond[name.endsWith("BE") ? 1 : 2]++;
      c.add(
          "body",
          name + " with a code point beyond U+10FFFF",
          d -> d.spliced(properties, charset, beyond, false));
    }
    for (String type : CONTENT_TYPES) {
      c.add("content type", "`" + type + "`", d -> d.contentType = type);
    }
    c.add("content type", "none", d -> d.contentType = null);
    c.add(
        "content type",
        "form with bad escapes",
        d -> d.body("application/x-www-form-urlencoded", bytes("title=%zz&name=%E0%A4%A&%=x")));
    c.add(
        "content type",
        "multipart form",
        d ->
            d.body(
                "multipart/form-data; boundary=fuzz",
                bytes(
                    "--fuzz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--fuzz--\r\n")));
    c.add(
        "content type",
        "XML",
        d -> d.body("application/xml", bytes("<task><title>x</title></task>")));
  }

  private void authCases(Cases c) {
    String admin = world.adminKey();
    String unknown = "tl_" + "0".repeat(12) + "_" + "A".repeat(43);
    var bad = new LinkedHashMap<String, List<String>>();
    bad.put("no key", List.of());
    bad.put("Bearer without key", List.of("Authorization", "Bearer"));
    bad.put("Basic credentials", List.of("Authorization", "Basic ZnV6ejpmdXp6LXBhc3N3b3Jk"));
    bad.put("Token scheme", List.of("Authorization", "Token " + admin));
    bad.put("key without scheme", List.of("Authorization", admin));
    bad.put(
        "truncated key",
        List.of("Authorization", "Bearer " + admin.substring(0, admin.length() - 1)));
    bad.put("key with an extra character", List.of("Authorization", "Bearer " + admin + "x"));
    bad.put(
        "upper-cased key", List.of("Authorization", "Bearer " + admin.toUpperCase(Locale.ROOT)));
    bad.put("unknown well-formed key", List.of("Authorization", "Bearer " + unknown));
    bad.put("malformed X-API-Key", List.of("X-API-Key", "%zz"));
    bad.put(
        "bad Bearer, valid X-API-Key",
        List.of("Authorization", "Bearer " + unknown, "X-API-Key", admin));
    world
        .deadKeys()
        .forEach((name, key) -> bad.put(name, List.of("Authorization", "Bearer " + key)));
    var good = new LinkedHashMap<String, List<String>>();
    good.put("valid X-API-Key", List.of("X-API-Key", admin));
    good.put("valid key, lower-case bearer", List.of("Authorization", "bearer " + admin));
    good.put(
        "valid Bearer, bad X-API-Key",
        List.of("Authorization", "Bearer " + admin, "X-API-Key", "%zz"));
    good.put("another user's key", List.of("Authorization", "Bearer " + world.otherKey()));
    bad.forEach((name, headers) -> c.add("auth", name, d -> d.auth(headers, c.op.secured())));
    good.forEach((name, headers) -> c.add("auth", name, d -> d.auth(headers, false)));
  }

  private static List<String> badQueryValues(Parameter p) {
    JsonObject schema = p.schema();
    var bad = new ArrayList<>(List.of(BAD_QUERY_VALUES.split(" ", -1)));
    switch (types(schema).getFirst()) {
      case "integer" -> {
        bad.addAll(List.of(BAD_QUERY_INTEGERS.split(" ")));
        if (schema.containsKey("minimum")) {
          bad.add(String.valueOf(schema.getLong("minimum") - 1));
        }
        if (schema.containsKey("maximum")) {
          bad.add(String.valueOf(schema.getLong("maximum") + 1));
        }
      }
      case "boolean" -> bad.addAll(List.of(BAD_QUERY_BOOLEANS.split(" ")));
      default -> bad.addAll(List.of(BAD_QUERY_STRINGS.split(" ")));
    }
    return bad;
  }

  /** A valid value of a parameter, as written in a URL. */
  private String param(Parameter p) {
    return URLEncoder.encode(String.valueOf(values.valid(p.schema())), StandardCharsets.UTF_8);
  }

  private static String variant(String template, String valid) {
    return template
        .replace("{v}", valid)
        .replace("{nodash}", valid.replace("-", ""))
        .replace("{upper}", valid.toUpperCase(Locale.ROOT));
  }

  private static String abbreviated(String text) {
    return text.length() <= 24 ? text : text.substring(0, 12) + "...(" + text.length() + " chars)";
  }

  /** A JSON object's text with one more member first. */
  private static String withMember(String object, String member) {
    return object.equals("{}") ? "{" + member + "}" : "{" + member + "," + object.substring(1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A valid request. {@code plain}: only what is required, as the admin, on a real resource where
   * there is one; otherwise ids, optional parameters and bodies come and go, and the caller varies.
   */
  private Draft draft(Operation op, boolean plain) {
    var d = new Draft(op);
    for (Parameter p : op.in("path")) {
      String before = op.path().substring(0, op.path().indexOf("/{" + p.name() + "}"));
      List<String> ids = world.ids(before.substring(before.lastIndexOf('/') + 1));
      d.path.put(
          p.name(),
          !ids.isEmpty() && (plain || random.nextInt(4) > 0)
              ? ids.get(random.nextInt(ids.size()))
              : param(p));
    }
    for (Parameter p : op.in("query")) {
      if (p.required() || (!plain && random.nextInt(10) < 3)) {
        d.query.add(p.name() + "=" + param(p));
      }
    }
    op.body()
        .ifPresent(
            body -> {
              if (plain || body.required() || random.nextInt(10) < 7) {
                d.object = (JsonObject) values.valid(body.schema());
                world.useRealReferences(body.schemaName(), d.object, random);
                d.contentType = body.mediaTypes().get(random.nextInt(body.mediaTypes().size()));
              }
            });
    int caller = plain ? 0 : random.nextInt(10);
    String key = caller < 7 || caller == 9 ? world.adminKey() : world.otherKey();
    d.headers.add(
        caller == 9 ? Map.entry("X-API-Key", key) : Map.entry("Authorization", "Bearer " + key));
    return d;
  }
}
