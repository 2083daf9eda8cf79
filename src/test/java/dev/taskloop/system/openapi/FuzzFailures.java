package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.fail;

import dev.taskloop.support.RawConnection.Response;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the contract says about each answer, and the failures grouped by operation and kind ("POST
 * /tasks: 500", "PATCH /users/me: undeclared 429"), each with its first request, the seed and the
 * request's position, so that a failure can be reproduced.
 */
final class FuzzFailures {
  private static final int MAX_MESSAGE_CHARS = 20_000;

  private final ApiDocument document;
  private final long seed;
  private final UnaryOperator<String> redact;
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Map<String, String> examples = new TreeMap<>();
  private final Map<String, Set<String>> cases = new TreeMap<>();
  private final Map<String, Integer> statuses = new TreeMap<>();
  private int sent;

  /** {@code redact} replaces secrets (API keys) in printed requests with their names. */
  FuzzFailures(ApiDocument document, long seed, UnaryOperator<String> redact) {
    this.document = document;
    this.seed = seed;
    this.redact = redact;
  }

  /** Every rule of the contract one answer can break, each a kind of failure. */
  void check(FuzzRequest request, Response response) {
    sent++;
    int status = response.status();
    statuses.merge(request.operation().name() + " " + status, 1, Integer::sum);
    if (response.error() != null) {
      add(request, response, "no answer (" + response.error().getClass().getSimpleName() + ")");
      return;
    }
    Operation operation = request.operation();
    boolean retryable = status == 503 && response.header("Retry-After") != null;
    if (status >= 500 && !retryable) {
      add(request, response, status == 503 ? "503 without Retry-After" : String.valueOf(status));
    } else if (!operation.declared().contains(status)) {
      add(request, response, "undeclared " + status);
    }
    if (status / 100 == 2 && request.mustFail()) {
      add(
          request,
          response,
          status + " for a request the document rules out (" + request.family() + ")");
    }
    if (status >= 400 && !isProblem(request, response)) {
      return; // reported: checking it against a problem schema would only say it again
    }
    document
        .response(operation, status)
        .ifPresent(declared -> checkAgainst(declared, request, response));
  }

  /** An RFC 9457 document whose status, type and title are those the document gives the status. */
  private boolean isProblem(FuzzRequest request, Response response) {
    int status = response.status();
    if (!response.mediaType().equals("application/problem+json")) {
      add(request, response, status + " is not application/problem+json");
      return false;
    }
    JsonObject problem;
    try {
      problem = new JsonObject(response.text());
    } catch (RuntimeException e) {
      add(request, response, status + " problem is not a JSON object");
      return false;
    }
    Object type = problem.getValue("type");
    Object title = problem.getValue("title");
    boolean matches =
        Integer.valueOf(status).equals(problem.getValue("status"))
            && document
                .problemKind(status)
                .map(kind -> kind.types().contains(type) && kind.titles().contains(title))
                .orElse(type instanceof String && title instanceof String);
    if (!matches) {
      add(request, response, status + " problem's type, title or status does not match");
    }
    return true;
  }

  /** Media type, schema and required headers of the declared response. */
  private void checkAgainst(JsonObject declared, FuzzRequest request, Response response) {
    int status = response.status();
    String mediaType = response.mediaType();
    JsonObject content = declared.getJsonObject("content");
    if (content == null) {
      if (response.body().length > 0) {
        add(request, response, status + " has a body the document does not describe");
      }
    } else if (!content.containsKey(mediaType)) {
      add(request, response, status + " answers " + mediaType + ", not a declared media type");
    } else if (mediaType.endsWith("json") && !mediaType.endsWith("ndjson")) {
      JsonObject schema = content.getJsonObject(mediaType).getJsonObject("schema");
      String errors;
      try {
        errors = document.errors(schema, Json.decodeValue(response.text()));
      } catch (RuntimeException e) {
        errors = "not JSON";
      }
      if (!errors.isEmpty()) {
        add(request, response, status + " body does not match its schema", errors);
      }
    }
    JsonObject headers = declared.getJsonObject("headers", new JsonObject());
    for (String name : headers.fieldNames()) {
      boolean required =
          document.resolve(headers.getJsonObject(name)).getBoolean("required", false);
      if (required && response.header(name) == null) {
        add(request, response, status + " lacks the required header " + name);
      }
    }
  }

  private void add(FuzzRequest request, Response response, String kind) {
    add(request, response, kind, "");
  }

  /** One failure; {@code note} says more about the example (the schema's complaint). */
  private void add(FuzzRequest request, Response response, String kind, String note) {
    String key = request.operation().name() + ": " + kind;
    if (counts.merge(key, 1, Integer::sum) == 1) {
      examples.put(
          key,
          describe(request, response)
              + (note.isEmpty()
                  ? ""
                  : "    " + printable(note.getBytes(StandardCharsets.UTF_8), 300) + "\n"));
    }
    Set<String> seen = cases.computeIfAbsent(key, k -> new LinkedHashSet<>());
    if (seen.size() < 12) {
      seen.add(request.family() + ": " + request.detail());
    }
  }

  private String describe(FuzzRequest request, Response response) {
    var sb = new StringBuilder("    [seed " + seed + ", request #" + sent + "] ");
    sb.append(request.family()).append(": ").append(request.detail()).append('\n');
    sb.append("    ")
        .append(request.operation().method())
        .append(' ')
        .append(excerpt(request.uri(), 200))
        .append('\n');
    request
        .headers()
        .forEach(
            h ->
                sb.append("    ")
                    .append(h.getKey())
                    .append(": ")
                    .append(h.getValue())
                    .append('\n'));
    if (request.body() != null) {
      sb.append("    body (")
          .append(request.body().length)
          .append(" bytes): ")
          .append(printable(request.body(), 200))
          .append('\n');
    }
    sb.append("    -> ")
        .append(response.status())
        .append(' ')
        .append(response.header("content-type"))
        .append(' ');
    sb.append(response.error() != null ? response.error() : printable(response.body(), 300))
        .append('\n');
    return redact.apply(sb.toString());
  }

  /** How many requests got which status, per operation. */
  String statistics() {
    var sb = new StringBuilder("contract fuzz, seed " + seed + ": " + sent + " requests\n");
    statuses.forEach((key, n) -> sb.append("  ").append(key).append(" x").append(n).append('\n'));
    return sb.toString();
  }

  /** Fails with every kind of failure, then an example of each, as far as the cap allows. */
  void assertNone() {
    if (counts.isEmpty()) {
      return;
    }
    var sb = new StringBuilder();
    sb.append(counts.size())
        .append(" kinds of contract failure in ")
        .append(sent)
        .append(" requests");
    sb.append(" (seed ")
        .append(seed)
        .append("; rerun with -Dfuzz.seed=")
        .append(seed)
        .append("):\n");
    counts.forEach((kind, n) -> sb.append("  ").append(kind).append(" (x").append(n).append(")\n"));
    sb.append("One example of each:\n");
    for (String kind : counts.keySet()) {
      sb.append(kind).append('\n').append(examples.get(kind));
      if (cases.get(kind).size() > 1) {
        sb.append("    cases: ").append(String.join(" | ", cases.get(kind))).append('\n');
      }
    }
    System.out.println(sb); // all of it, in the test's output file
    fail(
        sb.length() <= MAX_MESSAGE_CHARS
            ? sb.toString()
            : sb.substring(0, MAX_MESSAGE_CHARS) + "\n... (cut: the test's output has the rest)");
  }

  private static String excerpt(String text, int max) {
    return text.length() <= max
        ? text
        : text.substring(0, max) + "...(" + text.length() + " chars)";
  }

  /**
   * At most {@code max} characters, with control, non-ASCII and invalid bytes escaped (they would
   * also break the XML report).
   */
  private static String printable(byte[] bytes, int max) {
    var sb = new StringBuilder();
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      text.chars()
          .forEach(
              c ->
                  sb.append(
                      c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : "\\u%04X".formatted(c)));
    } catch (CharacterCodingException notUtf8) {
      for (byte b : bytes) {
        sb.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : "\\x%02X".formatted(b & 0xFF));
      }
    }
    return excerpt(sb.toString(), max);
  }
}
