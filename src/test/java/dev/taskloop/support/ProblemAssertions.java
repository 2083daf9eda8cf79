package dev.taskloop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Assertions on RFC 9457 problem responses. */
public final class ProblemAssertions {
  private ProblemAssertions() {}

  /**
   * A problem+json response with this status and type slug, and every member a client relies on.
   */
  public static void assertProblem(Http.Response response, int status, String type) {
    assertEquals(status, response.status(), response::toString);
    assertTrue(
        response.contentType().startsWith("application/problem+json"), response.contentType());
    JsonNode problem = response.json();
    assertEquals(status, problem.get("status").asInt());
    assertEquals("https://taskloop.dev/problems/" + type, problem.get("type").asText());
    for (String member : List.of("title", "detail", "instance", "request_id")) {
      assertTrue(problem.hasNonNull(member), member + " missing in " + problem);
    }
  }

  /** The fields named by a 422's {@code errors}, each of which must have a message. */
  public static Set<String> errorFields(Http.Response response) {
    assertProblem(response, 422, "validation-error");
    var fields = new TreeSet<String>();
    response
        .json()
        .get("errors")
        .forEach(
            error -> {
              assertTrue(error.hasNonNull("message"), error.toString());
              fields.add(error.get("field").asText());
            });
    return fields;
  }

  /**
   * The messages of a 422's {@code errors} by field, in order (a field named twice keeps its first
   * message), for tests of the wording a client reads.
   */
  public static Map<String, String> errorMessages(Http.Response response) {
    assertProblem(response, 422, "validation-error");
    var messages = new LinkedHashMap<String, String>();
    response
        .json()
        .get("errors")
        .forEach(
            error ->
                messages.putIfAbsent(error.get("field").asText(), error.get("message").asText()));
    return messages;
  }
}
