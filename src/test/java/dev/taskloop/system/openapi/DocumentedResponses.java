package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Asserts that a real answer is one the document declares for its operation and matches that
 * declaration: the status is listed, the media type is one of its content types, a JSON body
 * matches the schema, and every required header is there. Shared by the contract tests.
 */
final class DocumentedResponses {
  private final ApiDocument document;

  DocumentedResponses(ApiDocument document) {
    this.document = document;
  }

  /** Checks an answer of the operation {@code method path} (as the document spells the path). */
  void check(String method, String path, Http.Response response) {
    Operation operation =
        document.operations().stream()
            .filter(op -> op.method().equals(method) && op.path().equals(path))
            .findFirst()
            .orElseThrow(() -> new AssertionError(method + " " + path + " is not documented"));
    check(operation, response);
  }

  void check(Operation operation, Http.Response response) {
    String where = operation.name() + " -> " + response.status();
    JsonObject documented =
        document
            .response(operation, response.status())
            .orElseThrow(
                () -> new AssertionError(where + " is not documented: " + response.body()));
    checkAgainst(documented, where, response);
  }

  /** Checks an answer against one response object (media type, schema, required headers). */
  void checkAgainst(JsonObject documented, String where, Http.Response response) {
    JsonObject content = documented.getJsonObject("content");
    if (content == null) {
      assertEquals("", response.body(), where + " has a body the document does not describe");
      return;
    }
    String mediaType = response.contentType().split(";")[0].strip();
    JsonObject media = content.getJsonObject(mediaType);
    assertNotNull(
        media, where + " answered " + mediaType + ", documented: " + content.fieldNames());
    if (mediaType.endsWith("json") && !mediaType.endsWith("ndjson")) { // streams: not one document
      Object body =
          response.body().startsWith("[")
              ? new JsonArray(response.body())
              : new JsonObject(response.body());
      String errors = document.errors(media.getJsonObject("schema"), body);
      assertTrue(
          errors.isEmpty(),
          () -> where + " does not match its schema: " + errors + "\n" + response.body());
    }
    for (String header : documented.getJsonObject("headers", new JsonObject()).fieldNames()) {
      JsonObject declared =
          document.resolve(documented.getJsonObject("headers").getJsonObject(header));
      if (declared.getBoolean("required", false)) {
        assertTrue(response.header(header).isPresent(), where + " lacks required header " + header);
      }
    }
  }
}
