package dev.taskloop.tasks;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The Tasks API over HTTP, on SQLite and on PostgreSQL. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TasksApiIT extends SharedServer {
  @BeforeEach
  void emptyTable() {
    server.sql("DELETE FROM tasks");
  }

  static JsonNode create(String title) {
    var response = http.post("/tasks", "{\"title\":\"" + title + "\"}");
    assertEquals(201, response.status(), response::toString);
    return response.json();
  }

  static List<Long> ids(Http.Response response) {
    return response.ids();
  }

  @Test
  void createsTaskAndReturnsLocation() {
    var response =
        http.post(
            "/tasks", "{\"title\":\"  Buy milk  \",\"description\":\"2 litres\",\"priority\":5}");

    assertEquals(201, response.status(), response::toString);
    assertTrue(response.contentType().startsWith("application/json"));
    JsonNode task = response.json();
    long id = task.get("id").asLong();
    assertEquals("/tasks/" + id, response.header("location").orElseThrow());
    assertEquals("Buy milk", task.get("title").asText(), "title is trimmed");
    assertEquals("2 litres", task.get("description").asText());
    assertFalse(task.get("is_completed").asBoolean());
    assertEquals(task.get("created_at"), task.get("updated_at"));
    assertTrue(task.get("created_at").asText().endsWith("Z"), "RFC 3339 UTC");
    Instant created = Instant.parse(task.get("created_at").asText());
    assertTrue(Math.abs(created.getEpochSecond() - Instant.now().getEpochSecond()) < 60);
    assertEquals(
        Set.of("id", "title", "description", "is_completed", "created_at", "updated_at"),
        fieldNames(task));
    assertEquals(task, http.get("/tasks/" + id).json(), "GET returns what POST returned");
  }

  @Test
  void createsTaskWithoutDescription() {
    var response = http.post("/tasks", "{\"title\":\"x\"}");
    assertEquals(201, response.status());
    assertTrue(response.json().get("description").isNull());
  }

  @Test
  void acceptsTitleOf50AndDescriptionOf255Characters() {
    String title = "é".repeat(50);
    String description = "d".repeat(255);
    var response =
        http.post(
            "/tasks", "{\"title\":\"" + title + "\",\"description\":\"" + description + "\"}");
    assertEquals(201, response.status(), response::toString);
    assertEquals(title, response.json().get("title").asText());
  }

  @Test
  void rejectsEveryInvalidFieldAtOnce() {
    var response =
        http.post(
            "/tasks",
            "{\"title\":\"" + "t".repeat(51) + "\",\"description\":\"" + "d".repeat(256) + "\"}");

    assertProblem(response, 422, "validation-error");
    assertEquals(Set.of("title", "description"), errorFields(response));
    assertEquals(0, ids(http.get("/tasks")).size(), "nothing was written");
  }

  @Test
  void countsCharactersNotUtf16Units() {
    String fifty = "\uD83D\uDE80".repeat(50); // 50 rockets, each two UTF-16 units
    var response = http.post("/tasks", "{\"title\":\"" + fifty + "\"}");
    assertEquals(201, response.status(), response::toString);
    assertEquals(
        fifty,
        http.get("/tasks/" + response.json().get("id").asLong()).json().get("title").asText());
    assertEquals(
        Set.of("title"), errorFields(http.post("/tasks", "{\"title\":\"" + fifty + "!\"}")));
  }

  @Test
  void rejectsBlankMissingAndNonStringTitles() {
    assertEquals(Set.of("title"), errorFields(http.post("/tasks", "{\"title\":\"   \"}")));
    assertEquals(
        Set.of("title"), errorFields(http.post("/tasks", "{\"description\":\"no title\"}")));
    assertEquals(Set.of("title"), errorFields(http.post("/tasks", "{\"title\":null}")));
    assertEquals(
        Set.of("title", "description"),
        errorFields(http.post("/tasks", "{\"title\":42,\"description\":[]}")));
    assertEquals(
        Set.of("title"), errorFields(http.post("/tasks", "{\"title\":\"nul\\u0000char\"}")));
  }

  @Test
  void rejectsBodiesThatAreNotObjects() {
    assertProblem(http.post("/tasks", "[{\"title\":\"x\"}]"), 422, "validation-error");
    assertProblem(http.post("/tasks", "\"title\""), 422, "validation-error");
    assertProblem(http.send("POST", "/tasks", "application/json", null), 422, "validation-error");
  }

  @Test
  void getsTaskById() {
    long id = create("read me").get("id").asLong();
    var response = http.get("/tasks/" + id);
    assertEquals(200, response.status());
    assertEquals("read me", response.json().get("title").asText());
  }

  @Test
  void missingTaskIsNotFound() {
    var response = http.get("/tasks/999999");
    assertProblem(response, 404, "not-found");
    assertEquals("/tasks/999999", response.json().get("instance").asText());
  }

  @Test
  void nonIntegerIdIsValidationError() {
    for (String id : List.of("abc", "1.5", "0", "-3", "99999999999999999999")) {
      var response = http.get("/tasks/" + id);
      assertProblem(response, 422, "validation-error");
      assertEquals(Set.of("id"), errorFields(response), id);
    }
    assertEquals(Set.of("id"), errorFields(http.delete("/tasks/x")));
    assertEquals(Set.of("id"), errorFields(http.patch("/tasks/x", "{\"title\":\"y\"}")));
  }

  @Test
  void listsInIdOrderWithSkipAndLimit() {
    var created = new ArrayList<Long>();
    for (int i = 0; i < 15; i++) {
      created.add(create("task " + i).get("id").asLong());
    }
    assertEquals(created.subList(0, 10), ids(http.get("/tasks")), "default limit is 10");
    assertEquals(created.subList(3, 8), ids(http.get("/tasks?skip=3&limit=5")));
    assertEquals(created.subList(10, 15), ids(http.get("/tasks?skip=10&limit=100")));
    assertEquals(List.of(), ids(http.get("/tasks?skip=15")));
  }

  @Test
  void listsInIdOrderWhateverTheStorageOrder() {
    for (long id : new long[] {50, 20, 40, 10, 30}) {
      server.sql(
          "INSERT INTO tasks (id, owner_id, title, is_completed, created_at, updated_at) VALUES ("
              + id
              + ", '"
              + server.ownerId()
              + "', 't"
              + id
              + "', FALSE, '2026-01-01T00:00:00', '2026-01-01T00:00:00')");
    }
    server.sql(
        "UPDATE tasks SET title = 'moved' WHERE id IN (10, 20)"); // new row versions go last on
    // PostgreSQL
    assertEquals(List.of(10L, 20L, 30L, 40L, 50L), ids(http.get("/tasks")));
    assertEquals(List.of(30L, 40L), ids(http.get("/tasks?after=20&limit=2")));
    assertEquals(List.of(20L, 30L), ids(http.get("/tasks?skip=1&limit=2")));
  }

  @Test
  void listsWithKeysetAfter() {
    var created = new ArrayList<Long>();
    for (int i = 0; i < 7; i++) {
      created.add(create("task " + i).get("id").asLong());
    }
    assertEquals(created.subList(0, 3), ids(http.get("/tasks?after=0&limit=3")));
    assertEquals(
        created.subList(3, 6), ids(http.get("/tasks?after=" + created.get(2) + "&limit=3")));
    assertEquals(
        created.subList(6, 7), ids(http.get("/tasks?after=" + created.get(5) + "&limit=3")));
    assertEquals(List.of(), ids(http.get("/tasks?after=" + created.get(6))));
  }

  @Test
  void fullPagesLinkToTheNextOne() {
    var created = new ArrayList<Long>();
    for (int i = 0; i < 5; i++) {
      created.add(create("page " + i).get("id").asLong());
    }
    var first = http.get("/tasks/?limit=2");
    assertEquals(
        "</tasks?after=" + created.get(1) + "&limit=2>; rel=\"next\"",
        first.header("link").orElseThrow());
    var byOffset = http.get("/tasks?skip=2&limit=2&completed=false");
    assertEquals(
        "</tasks?skip=4&limit=2&completed=false>; rel=\"next\"",
        byOffset.header("link").orElseThrow());
    String next = first.header("link").orElseThrow();
    var second = http.get(next.substring(1, next.indexOf('>')));
    assertEquals(created.subList(2, 4), ids(second));
    assertFalse(
        http.get("/tasks?after=" + created.get(3) + "&limit=2").header("link").isPresent(),
        "last page");
    var exactlyFull = http.get("/tasks?after=" + created.get(2) + "&limit=2");
    assertEquals(created.subList(3, 5), ids(exactlyFull));
    assertFalse(exactlyFull.header("link").isPresent(), "a full last page has no next");
  }

  @Test
  void filtersByCompletion() {
    long open = create("open").get("id").asLong();
    long done = create("done").get("id").asLong();
    assertEquals(200, http.patch("/tasks/" + done, "{\"is_completed\":true}").status());

    assertEquals(List.of(done), ids(http.get("/tasks?completed=true")));
    assertEquals(List.of(open), ids(http.get("/tasks?completed=false")));
    assertEquals(List.of(done), ids(http.get("/tasks?completed=true&after=" + open)));
    assertEquals(List.of(open, done), ids(http.get("/tasks")));
  }

  @Test
  void rejectsBadPagingValuesAllAtOnce() {
    var response = http.get("/tasks?skip=-1&limit=101&completed=maybe");
    assertProblem(response, 422, "validation-error");
    assertEquals(Set.of("skip", "limit", "completed"), errorFields(response));
    assertEquals(Set.of("limit"), errorFields(http.get("/tasks?limit=0")));
    assertEquals(Set.of("limit"), errorFields(http.get("/tasks?limit=ten")));
    assertEquals(Set.of("after"), errorFields(http.get("/tasks?after=-1")));
    assertEquals(Set.of("after"), errorFields(http.get("/tasks?after=2&skip=1")));
  }

  @Test
  void pathsWorkWithTrailingSlash() {
    var created = http.post("/tasks/", "{\"title\":\"slash\"}");
    assertEquals(201, created.status(), created::toString);
    long id = created.json().get("id").asLong();
    assertEquals(List.of(id), ids(http.get("/tasks/")));
    assertEquals(200, http.get("/tasks/" + id + "/").status());
    assertEquals(200, http.patch("/tasks/" + id + "/", "{\"title\":\"z\"}").status());
    assertEquals(204, http.delete("/tasks/" + id + "/").status());
  }

  @Test
  void patchMergesFieldsAndMovesUpdatedAt() throws InterruptedException {
    JsonNode task =
        http.post("/tasks", "{\"title\":\"before\",\"description\":\"keep me\"}").json();
    long id = task.get("id").asLong();
    Thread.sleep(5);

    var response = http.patch("/tasks/" + id, "{\"title\":\" after \"}");

    assertEquals(200, response.status(), response::toString);
    JsonNode patched = response.json();
    assertEquals("after", patched.get("title").asText());
    assertEquals("keep me", patched.get("description").asText(), "absent field unchanged");
    assertEquals(task.get("created_at"), patched.get("created_at"));
    assertTrue(
        Instant.parse(patched.get("updated_at").asText())
            .isAfter(Instant.parse(task.get("updated_at").asText())));
    assertEquals(patched, http.get("/tasks/" + id).json());
  }

  @Test
  void patchWithMergePatchContentTypeClearsDescription() {
    long id =
        http.post("/tasks", "{\"title\":\"t\",\"description\":\"gone soon\"}")
            .json()
            .get("id")
            .asLong();
    var response =
        http.send(
            "PATCH",
            "/tasks/" + id,
            "application/merge-patch+json",
            "{\"description\":null,\"is_completed\":true}");
    assertEquals(200, response.status(), response::toString);
    assertTrue(response.json().get("description").isNull());
    assertTrue(response.json().get("is_completed").asBoolean());
  }

  @Test
  void completesTaskWithOriginalQueryForm() {
    long id = create("legacy").get("id").asLong();
    var done = http.send("PATCH", "/tasks/" + id + "?completed=true", null, null);
    assertEquals(200, done.status(), done::toString);
    assertTrue(done.json().get("is_completed").asBoolean());
    var reopened = http.send("PATCH", "/tasks/" + id + "?completed=false", null, null);
    assertFalse(reopened.json().get("is_completed").asBoolean());
  }

  @Test
  void rejectsInvalidPatches() {
    long id = create("p").get("id").asLong();
    var response =
        http.patch("/tasks/" + id, "{\"title\":null,\"is_completed\":\"yes\",\"description\":7}");
    assertProblem(response, 422, "validation-error");
    assertEquals(Set.of("title", "is_completed", "description"), errorFields(response));
    assertEquals(
        Set.of("is_completed"), errorFields(http.patch("/tasks/" + id, "{\"is_completed\":null}")));
    assertEquals(
        Set.of("completed"),
        errorFields(http.send("PATCH", "/tasks/" + id + "?completed=yes", null, null)));
    assertEquals(
        Set.of("completed"),
        errorFields(
            http.send(
                "PATCH",
                "/tasks/" + id + "?completed=true",
                "application/json",
                "{\"title\":\"both\"}")));
    assertEquals(Set.of("body"), errorFields(http.send("PATCH", "/tasks/" + id, null, null)));
    assertEquals("p", http.get("/tasks/" + id).json().get("title").asText(), "nothing changed");
  }

  @Test
  void reportsPathAndBodyFailuresTogether() {
    var response = http.patch("/tasks/abc", "{\"title\":null,\"is_completed\":\"x\"}");
    assertEquals(Set.of("id", "title", "is_completed"), errorFields(response));
    assertEquals(
        Set.of("id", "completed"),
        errorFields(http.send("PATCH", "/tasks/0?completed=maybe", null, null)));
  }

  @Test
  void emptyPatchChangesNothing() {
    JsonNode task = create("same");
    var response = http.patch("/tasks/" + task.get("id").asLong(), "{}");
    assertEquals(200, response.status());
    assertEquals(task, response.json());
  }

  @Test
  void patchOfMissingTaskIsNotFound() {
    assertProblem(http.patch("/tasks/424242", "{\"title\":\"x\"}"), 404, "not-found");
    assertProblem(http.send("PATCH", "/tasks/424242?completed=true", null, null), 404, "not-found");
  }

  @Test
  void deletesTaskThenNotFound() {
    long id = create("bye").get("id").asLong();

    var deleted = http.delete("/tasks/" + id);
    assertEquals(204, deleted.status());
    assertEquals("", deleted.body());
    assertFalse(deleted.header("content-type").isPresent());

    assertProblem(http.delete("/tasks/" + id), 404, "not-found");
    assertProblem(http.get("/tasks/" + id), 404, "not-found");
  }

  @Test
  void deletedIdIsNotReused() {
    long first = create("a").get("id").asLong();
    assertEquals(204, http.delete("/tasks/" + first).status());
    long second = create("b").get("id").asLong();
    assertNotEquals(first, second);
  }

  private static Set<String> fieldNames(JsonNode node) {
    var names = new java.util.TreeSet<String>();
    StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false)
        .forEach(names::add);
    return names;
  }
}
