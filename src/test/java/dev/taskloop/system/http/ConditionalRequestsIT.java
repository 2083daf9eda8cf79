package dev.taskloop.system.http;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.ProblemAssertions;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conditional requests (RFC 9110) on tasks, categories, items and the caller's user, on SQLite and
 * PostgreSQL: a strong ETag that changes on every write, 304 for a matching If-None-Match, 412 for
 * a stale If-Match, checked in the write itself (a real race has exactly one winner).
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ConditionalRequestsIT extends SharedServer {
  private static final Pattern STRONG = Pattern.compile("\"[0-9]+\"");

  private static String etag(Http.Response response) {
    String etag = response.header("etag").orElseThrow(() -> new AssertionError(response));
    assertTrue(STRONG.matcher(etag).matches(), etag);
    return etag;
  }

  private static String created(String path, String body) {
    var response = http.post(path, body);
    assertEquals(201, response.status(), response::toString);
    etag(response);
    return response.header("location").orElseThrow();
  }

  @Test
  void everyWriteChangesTheTaskETagAndGetAnswersWithIt() {
    var create = http.post("/tasks", "{\"title\":\"tagged\"}");
    String task = create.header("location").orElseThrow();
    String first = etag(create);
    assertEquals(first, etag(http.get(task)), "GET has the ETag POST gave");

    var patched = http.patch(task, "{\"title\":\"renamed\"}");
    assertEquals(200, patched.status(), patched::toString);
    String second = etag(patched);
    assertNotEquals(first, second);
    assertEquals(second, etag(http.get(task)));
    var same = http.patch(task, "{\"title\":\"renamed\"}"); // same content, still a write
    assertNotEquals(second, etag(same));
  }

  @Test
  void ifNoneMatchGives304WithoutBodyOnGetAndHead() {
    String task = created("/tasks", "{\"title\":\"cached\"}");
    String tag = etag(http.get(task));

    var notModified = http.withHeader("If-None-Match", tag).get(task);
    assertEquals(304, notModified.status(), notModified::toString);
    assertEquals("", notModified.body());
    assertEquals(tag, etag(notModified));
    var head = http.withHeader("If-None-Match", "\"999\", W/" + tag).send("HEAD", task, null, null);
    assertEquals(304, head.status(), "a weak tag matches If-None-Match");
    assertEquals(304, http.withHeader("If-None-Match", "*").get(task).status());

    var stale = http.withHeader("If-None-Match", "\"999\"").get(task);
    assertEquals(200, stale.status());
    assertEquals("cached", stale.json().get("title").asText());
    http.patch(task, "{\"is_completed\":true}");
    assertEquals(200, http.withHeader("If-None-Match", tag).get(task).status(), "changed since");
  }

  @Test
  void staleIfMatchIs412AndChangesNothing() {
    String task = created("/tasks", "{\"title\":\"guarded\"}");
    String tag = etag(http.get(task));
    assertEquals(200, http.patch(task, "{\"title\":\"moved on\"}").status());

    var stale = http.withHeader("If-Match", tag).patch(task, "{\"title\":\"lost update\"}");
    assertProblem(stale, 412, "precondition-failed");
    assertEquals("moved on", http.get(task).json().get("title").asText());
    assertProblem(http.withHeader("If-Match", tag).delete(task), 412, "precondition-failed");
    assertEquals(200, http.get(task).status(), "a stale delete deletes nothing");

    String current = etag(http.get(task));
    var fresh = http.withHeader("If-Match", "\"1\", " + current).patch(task, "{\"title\":\"ok\"}");
    assertEquals(200, fresh.status(), "any tag of the list matches");
    assertEquals(204, http.withHeader("If-Match", etag(fresh)).delete(task).status());
    assertProblem(http.withHeader("If-Match", etag(fresh)).delete(task), 404, "not-found");
  }

  @Test
  void ifMatchOnSeveralLinesIsOneList() {
    String task = created("/tasks", "{\"title\":\"lines\"}");
    String tag = etag(http.get(task));
    var twoLines = http.withHeader("If-Match", "\"999\"").withHeader("If-Match", tag);
    var response = twoLines.patch(task, "{\"title\":\"y\"}");
    assertEquals(200, response.status(), response::toString);
  }

  @Test
  void aReadWithAStaleIfMatchIs412() {
    String task = created("/tasks", "{\"title\":\"read\"}");
    String tag = etag(http.get(task));
    assertEquals(200, http.withHeader("If-Match", tag).get(task).status());
    assertProblem(http.withHeader("If-Match", "\"999\"").get(task), 412, "precondition-failed");
  }

  @Test
  void aStaleIfMatchOnAPasswordChangeIs412BeforeThePasswordIsChecked() {
    String email = "stale-pw-" + database.name().toLowerCase() + "@example.com";
    var me = server.newUser(email);
    String body = "{\"password\":\"new-password-1\",\"current_password\":\"wrong-password\"}";
    assertProblem(
        me.withHeader("If-Match", "\"999\"").patch("/users/me", body), 412, "precondition-failed");
    assertEquals(
        Set.of("current_password"),
        ProblemAssertions.errorFields(me.patch("/users/me", body)),
        "without If-Match the wrong password is what is refused");
  }

  @Test
  void ifMatchStarOrWeakOrMalformed() {
    String task = created("/tasks", "{\"title\":\"star\"}");
    String tag = etag(http.get(task));
    assertEquals(200, http.withHeader("If-Match", "*").patch(task, "{\"title\":\"a\"}").status());
    String now = etag(http.get(task));
    assertProblem(
        http.withHeader("If-Match", "W/" + now).patch(task, "{\"title\":\"b\"}"),
        412,
        "precondition-failed");
    assertProblem(
        http.withHeader("If-Match", "3").patch(task, "{\"title\":\"b\"}"),
        400,
        "malformed-request");
    assertProblem(http.withHeader("If-Match", tag).patch(task, "{}"), 412, "precondition-failed");
    assertEquals(200, http.withHeader("If-Match", now).patch(task, "{}").status());
    assertProblem(
        http.withHeader("If-Match", now).patch("/tasks/99999999", "{\"title\":\"x\"}"),
        404,
        "not-found");
  }

  @Test
  void twoWritersFromOneETagExactlyOneWins() throws Exception {
    String task = created("/tasks", "{\"title\":\"raced\"}");
    String tag = etag(http.get(task));
    var client = http.withHeader("If-Match", tag);
    List<Integer> statuses =
        Parallel.run(
            8,
            () ->
                client
                    .patch(task, "{\"title\":\"" + Thread.currentThread().threadId() + "\"}")
                    .status());
    assertEquals(1, Collections.frequency(statuses, 200), statuses::toString);
    assertEquals(7, Collections.frequency(statuses, 412), statuses::toString);
    List<Integer> deletes = Parallel.run(4, () -> client.delete(task).status());
    assertEquals(List.of(412, 412, 412, 412), deletes, "the winner's write made the tag stale");
  }

  @Test
  void categoryETagChangesWhenOneOfItsItemsDoes() {
    String category = created("/categories", "{\"name\":\"tools " + database + "\"}");
    long categoryId = Long.parseLong(category.substring(category.lastIndexOf('/') + 1));
    String empty = etag(http.get(category));
    String item =
        created(
            "/items",
            "{\"category_id\":" + categoryId + ",\"name\":\"hammer\",\"price\":\"9.50\"}");
    String withItem = etag(http.get(category));
    assertNotEquals(empty, withItem, "a new item is a new version of its category");
    assertEquals(
        200,
        http.withHeader("If-Match", etag(http.get(item))).patch(item, "{\"price\":1}").status());
    String afterPatch = etag(http.get(category));
    assertNotEquals(withItem, afterPatch);
    assertEquals(304, http.withHeader("If-None-Match", afterPatch).get(category).status());
    assertProblem(
        http.withHeader("If-Match", withItem).patch(category, "{\"name\":\"late\"}"),
        412,
        "precondition-failed");
    assertProblem(
        http.withHeader("If-Match", withItem).delete(category + "?cascade=true"),
        412,
        "precondition-failed");
    assertEquals(200, http.get(item).status(), "a stale cascade deletes no item");
    assertEquals(
        204, http.withHeader("If-Match", afterPatch).delete(category + "?cascade=true").status());
    assertEquals(404, http.get(item).status());
  }

  @Test
  void itemPutAndDeleteTakeIfMatch() {
    String category = created("/categories", "{\"name\":\"put " + database + "\"}");
    String categoryId = category.substring(category.lastIndexOf('/') + 1);
    String body = "{\"category_id\":" + categoryId + ",\"name\":\"saw\",\"price\":\"5.00\"}";
    String item = created("/items", body);
    String tag = etag(http.get(item));
    var put = http.withHeader("If-Match", tag).send("PUT", item, "application/json", body);
    assertEquals(200, put.status(), put::toString);
    assertNotEquals(tag, etag(put));
    assertProblem(
        http.withHeader("If-Match", tag).send("PUT", item, "application/json", body),
        412,
        "precondition-failed");
    assertProblem(http.withHeader("If-Match", tag).delete(item), 412, "precondition-failed");
    assertEquals(204, http.withHeader("If-Match", etag(put)).delete(item).status());
  }

  @Test
  void theCallersUserHasAnETagAndIfMatch() {
    var me = server.newUser("etag-" + database.name().toLowerCase() + "@example.com");
    String tag = etag(me.get("/users/me"));
    assertEquals(304, me.withHeader("If-None-Match", tag).get("/users/me").status());
    var renamed = me.withHeader("If-Match", tag).patch("/users/me", "{\"name\":\"Ada\"}");
    assertEquals(200, renamed.status(), renamed::toString);
    assertNotEquals(tag, etag(renamed));
    assertProblem(
        me.withHeader("If-Match", tag).patch("/users/me", "{\"name\":\"Bob\"}"),
        412,
        "precondition-failed");
    assertEquals("Ada", me.get("/users/me").json().get("name").asText());
    assertFalse(me.get("/users/me").json().has("version"), "the version is not in the body");
  }
}
