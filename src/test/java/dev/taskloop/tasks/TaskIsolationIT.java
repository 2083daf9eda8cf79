package dev.taskloop.tasks;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Nobody can see, change or even detect another user's tasks. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TaskIsolationIT extends SharedServer {

  static List<Long> ids(Http.Response response) {
    return response.ids();
  }

  @Test
  void anotherUsersTaskIsNotFoundOnEveryEndpoint() {
    Http alice = server.newUser("alice-" + database + "@example.com");
    Http bob = server.newUser("bob-" + database + "@example.com");
    long bobs =
        bob.post("/tasks", "{\"title\":\"bob\"}").json().get("id").asLong(); // the lowest id
    var aliceIds = new ArrayList<Long>();
    for (int i = 0; i < 3; i++) {
      aliceIds.add(
          alice.post("/tasks", "{\"title\":\"alice " + i + "\"}").json().get("id").asLong());
    }
    long alices = aliceIds.getFirst();
    var missing = bob.get("/tasks/999999999");

    var get = bob.get("/tasks/" + alices);
    assertProblem(get, 404, "not-found");
    assertEquals(
        missing.json().get("detail").asText().replace("999999999", "X"),
        get.json().get("detail").asText().replace(Long.toString(alices), "X"),
        "exactly like a missing task");
    assertProblem(bob.patch("/tasks/" + alices, "{\"title\":\"mine now\"}"), 404, "not-found");
    assertProblem(
        bob.send("PATCH", "/tasks/" + alices + "?completed=true", null, null), 404, "not-found");
    assertProblem(bob.delete("/tasks/" + alices), 404, "not-found");

    assertEquals(List.of(bobs), ids(bob.get("/tasks?limit=100")));
    assertEquals(List.of(bobs), ids(bob.get("/tasks?after=0&limit=100")));
    assertEquals(List.of(), ids(bob.get("/tasks?after=" + bobs)), "alice's later ids stay hidden");
    assertEquals(List.of(), ids(bob.get("/tasks?completed=false&after=" + bobs)));
    assertEquals(List.of(bobs), ids(bob.get("/tasks?completed=false")));
    assertEquals(List.of(bobs), ids(bob.get("/tasks?completed=false&after=0")));
    assertEquals(List.of(), ids(bob.get("/tasks?skip=1")));
    assertEquals(aliceIds, ids(alice.get("/tasks?after=0&limit=100")));
    assertEquals(aliceIds.subList(1, 3), ids(alice.get("/tasks?after=" + alices + "&limit=100")));
    assertEquals(aliceIds.subList(1, 2), ids(alice.get("/tasks?skip=1&limit=1")));

    var untouched = alice.get("/tasks/" + alices);
    assertEquals(200, untouched.status());
    assertEquals("alice 0", untouched.json().get("title").asText());
  }
}
