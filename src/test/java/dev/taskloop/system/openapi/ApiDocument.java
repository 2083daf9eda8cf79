package dev.taskloop.system.openapi;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API document as the fuzz test reads it: operations with their parameters, bodies and declared
 * responses; JSON Schema validation against its schemas (vertx-json-schema, as in {@link
 * OpenApiContractIT}); the problem {@code type} and {@code title} its examples give per status; and
 * whether it accepts a given parameter value, content type or body.
 */
final class ApiDocument {
  private static final String BASE = "https://taskloop.dev/openapi.json";
  private static final JsonSchemaOptions OPTIONS =
      new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://taskloop.dev/");
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  /** The PayloadTooLarge response: "The request body is larger than 64 KiB." */
  static final int MAX_BODY_BYTES = 64 * 1024;

  record Parameter(String name, String in, boolean required, JsonObject schema) {}

  /** A request body: its media types and schema ({@code $ref} as written). */
  record Body(boolean required, List<String> mediaTypes, JsonObject schema) {
    /** The referenced component schema's name ({@code NewTask}), or "" when inline. */
    String schemaName() {
      String ref = schema.getString("$ref", "");
      return ref.substring(ref.lastIndexOf('/') + 1);
    }
  }

  /** One path and method; {@code secured} unless the document sets {@code security: []}. */
  record Operation(
      String method,
      String path,
      List<Parameter> parameters,
      Optional<Body> body,
      boolean secured,
      JsonObject responses) {
    String name() {
      return method + " " + path;
    }

    /** The statuses the document lists; a {@code default} entry declares none. */
    Set<Integer> declared() {
      var statuses = new TreeSet<Integer>();
      responses.fieldNames().stream()
          .filter(key -> key.matches("[1-5][0-9][0-9]"))
          .forEach(key -> statuses.add(Integer.parseInt(key)));
      return statuses;
    }

    List<Parameter> in(String location) {
      return parameters.stream().filter(p -> p.in().equals(location)).toList();
    }
  }

  /** The {@code type} and {@code title} values the document's examples use for one status. */
  record ProblemKind(Set<String> types, Set<String> titles) {}

  private final JsonObject document;
  private final SchemaRepository schemas;
  private final Map<String, Validator> validators = new HashMap<>();
  private final List<Operation> operations = new ArrayList<>();
  private final Map<Integer, ProblemKind> problems = new HashMap<>();

  ApiDocument(JsonObject document) {
    this.document = document;
    // dereference annotates what it is given: hand it a copy
    this.schemas =
        SchemaRepository.create(OPTIONS).dereference(BASE, JsonSchema.of(document.copy()));
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (METHODS.contains(method)) {
          operations.add(operation(method, path, item, item.getJsonObject(method)));
        }
      }
    }
    collectProblemExamples(document.getJsonObject("components").getJsonObject("responses"));
    operations.forEach(operation -> collectProblemExamples(operation.responses()));
  }

  List<Operation> operations() {
    return operations;
  }

  /** The response object the operation declares for this status, {@code $ref} resolved. */
  Optional<JsonObject> response(Operation operation, int status) {
    return Optional.ofNullable(operation.responses().getJsonObject(String.valueOf(status)))
        .map(this::resolve);
  }

  Optional<ProblemKind> problemKind(int status) {
    return Optional.ofNullable(problems.get(status));
  }

  /** Follows local {@code $ref}s ({@code #/components/...}). */
  JsonObject resolve(JsonObject maybeRef) {
    return resolve(document, maybeRef);
  }

  /** Follows local {@code $ref}s of {@code document}, also chains of them. */
  static JsonObject resolve(JsonObject document, JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject target = document;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part);
    }
    return resolve(document, target);
  }

  /**
   * Whether a decoded JSON value (JsonObject, JsonArray, String, Number, Boolean, null) is valid.
   */
  boolean valid(JsonObject schema, Object value) {
    return errors(schema, value).isEmpty();
  }

  /** What the validator reports for the value; empty when it is valid. */
  String errors(JsonObject schema, Object value) {
    String absolute = schema.encode().replace("\"#/", "\"" + BASE + "#/");
    var result =
        validators
            .computeIfAbsent(
                absolute, s -> schemas.validator(JsonSchema.of(new JsonObject(s)), OPTIONS))
            .validate(value);
    return result.getValid() ? "" : String.valueOf(result.getErrors());
  }

  /**
   * Whether the document accepts this parameter value as written in the URL. Integers must be in
   * canonical form (no sign, no leading zeros, ASCII digits): that is how OpenAPI serializes them.
   */
  boolean accepts(Parameter p, String raw) {
    Optional<String> decoded = percentDecoded(raw, p.in().equals("query"));
    if (decoded.isEmpty()) {
      return false;
    }
    String value = decoded.get();
    return switch (types(p.schema()).getFirst()) {
      case "integer" -> value.matches("-?(0|[1-9][0-9]{0,18})") && valid(p.schema(), asLong(value));
      case "boolean" -> value.equals("true") || value.equals("false");
      default -> valid(p.schema(), value);
    };
  }

  /**
   * Whether the document rules out a body sent with this Content-Type (null: none). A JSON media
   * type it does not list (merge patch on a POST, a charset parameter) is left open.
   */
  boolean rulesOutContentType(Operation operation, String contentType, byte[] body) {
    if (operation.body().isEmpty() || body == null || body.length == 0) {
      return false;
    }
    if (contentType == null) {
      return true;
    }
    String essence = contentType.split(";", -1)[0].strip().toLowerCase(Locale.ROOT);
    boolean json = essence.equals("application/json") || essence.endsWith("+json");
    return !json && !operation.body().get().mediaTypes().contains(essence);
  }

  /**
   * Whether the document rules out this body: missing when required, too large, not JSON, invalid.
   */
  boolean rulesOutBody(Operation operation, byte[] body) {
    if (operation.body().isEmpty()) {
      return false;
    }
    if (body == null || body.length == 0) {
      return operation.body().get().required();
    }
    if (body.length > MAX_BODY_BYTES) {
      return true;
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
      return !valid(operation.body().get().schema(), Json.decodeValue(text));
    } catch (CharacterCodingException | RuntimeException notUtf8OrNotJson) {
      return true;
    }
  }

  static List<String> types(JsonObject schema) {
    return switch (schema.getValue("type")) {
      case String one -> List.of(one);
      case JsonArray many -> many.stream().map(String::valueOf).toList();
      case null -> List.of();
      default -> throw new IllegalStateException("bad type in " + schema);
    };
  }

  /** Strict percent-decoding to UTF-8 ({@code +} is a space in queries); empty when malformed. */
  private static Optional<String> percentDecoded(String raw, boolean query) {
    var bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        bytes.writeBytes(
            String.valueOf(query && c == '+' ? ' ' : c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      var decoder = StandardCharsets.UTF_8.newDecoder();
      return Optional.of(decoder.decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static Object asLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return "beyond int64"; // a string, so the validator rejects it
    }
  }

  private Operation operation(String method, String path, JsonObject item, JsonObject spec) {
    var parameters = new ArrayList<Parameter>();
    var declared = new ArrayList<>();
    item.getJsonArray("parameters", new JsonArray()).forEach(declared::add);
    spec.getJsonArray("parameters", new JsonArray()).forEach(declared::add);
    for (Object each : declared) {
      JsonObject p = resolve((JsonObject) each);
      parameters.add(
          new Parameter(
              p.getString("name"),
              p.getString("in"),
              p.getBoolean("required", false),
              resolve(p.getJsonObject("schema"))));
    }
    Optional<Body> body = Optional.empty();
    if (spec.containsKey("requestBody")) {
      JsonObject requestBody = resolve(spec.getJsonObject("requestBody"));
      JsonObject content = requestBody.getJsonObject("content");
      String first = content.fieldNames().iterator().next(); // every media type has one schema
      body =
          Optional.of(
              new Body(
                  requestBody.getBoolean("required", false),
                  List.copyOf(content.fieldNames()),
                  content.getJsonObject(first).getJsonObject("schema")));
    }
    JsonArray security = spec.getJsonArray("security", document.getJsonArray("security"));
    return new Operation(
        method.toUpperCase(Locale.ROOT),
        path,
        List.copyOf(parameters),
        body,
        security != null && !security.isEmpty(),
        spec.getJsonObject("responses"));
  }

  private void collectProblemExamples(JsonObject responses) {
    for (String status : responses.fieldNames()) {
      JsonObject content = resolve(responses.getJsonObject(status)).getJsonObject("content");
      JsonObject media = content == null ? null : content.getJsonObject("application/problem+json");
      JsonObject examples =
          media == null ? new JsonObject() : media.getJsonObject("examples", new JsonObject());
      for (String name : examples.fieldNames()) {
        JsonObject value = resolve(examples.getJsonObject(name)).getJsonObject("value");
        var kind =
            problems.computeIfAbsent(
                value.getInteger("status"), s -> new ProblemKind(new TreeSet<>(), new TreeSet<>()));
        kind.types().add(value.getString("type"));
        kind.titles().add(value.getString("title"));
      }
    }
  }
}
