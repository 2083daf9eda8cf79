package dev.taskloop.system.idempotency;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.Taskloop;
import dev.taskloop.support.Eventually;
import dev.taskloop.support.Http;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Idempotency-Key on every create, on SQLite and PostgreSQL: replay, payload mismatch, a retry
 * while the first runs, a failed first request, expiry, keys per user, and two instances.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class IdempotencyIT extends SharedServer {
  private static final String REPLAYED = "idempotent-replayed";

  @BeforeEach
  void noKeys() {
    server.sql("DELETE FROM idempotency_keys");
  }

  private static Http keyed(Http client, String key) {
    return client.withHeader("Idempotency-Key", key);
  }

  private long count(String sql) {
    return server.app().database().read(sql, Map.of()).await().iterator().next().getLong(0);
  }

  @Test
  void aRetryGetsTheFirstAnswerAndCreatesNothing() {
    String category =
        http.post("/categories", "{\"name\":\"idem " + database + "\"}").json().get("id").asText();
    var creates =
        Map.of(
            "/tasks",
            "{\"title\":\"once\"}",
            "/categories",
            "{\"name\":\"once " + database + "\"}",
            "/items",
            "{\"category_id\":" + category + ",\"name\":\"once\",\"price\":\"1.00\"}",
            "/users/me/api-keys",
            "{\"name\":\"once\"}");
    for (var create : creates.entrySet()) {
      var client = keyed(http, UUID.randomUUID().toString());
      var first = client.post(create.getKey(), create.getValue());
      assertEquals(201, first.status(), first::toString);
      assertTrue(first.header(REPLAYED).isEmpty(), "the first answer is not a replay");
      var again = client.post(create.getKey(), create.getValue());
      assertEquals(201, again.status(), again::toString);
      assertEquals("true", again.header(REPLAYED).orElse(null), create.getKey());
      assertEquals(first.body(), again.body(), "the same body, byte for byte");
      assertEquals(first.header("location"), again.header("location"));
      assertEquals(first.header("etag"), again.header("etag"));
      assertEquals(first.contentType(), again.contentType());
    }
    assertEquals(1, count("SELECT count(*) FROM tasks WHERE title = 'once'"));
    assertEquals(1, count("SELECT count(*) FROM categories WHERE name = 'once " + database + "'"));
    assertEquals(1, count("SELECT count(*) FROM items WHERE name = 'once'"));
    assertEquals(1, count("SELECT count(*) FROM api_keys WHERE name = 'once'"));
  }

  @Test
  void aReplayedApiKeyWorksAndIsNotStoredReadably() {
    var client = keyed(http, "key-" + UUID.randomUUID());
    client.post("/users/me/api-keys", "{\"name\":\"sealed\"}");
    var replay = client.post("/users/me/api-keys", "{\"name\":\"sealed\"}");
    String secret = replay.json().get("key").asText();
    assertEquals(200, server.anonymous().withKey(secret).get("/users/me").status());
    var rows = server.app().database().read("SELECT body FROM idempotency_keys", Map.of()).await();
    String stored = rows.iterator().next().getString("body");
    assertFalse(stored.contains(secret) || stored.contains("sealed"), "the stored body is sealed");
  }

  @Test
  void aRetryWithATrailingSlashIsTheSameRequest() {
    var client = keyed(http, "slash-" + UUID.randomUUID());
    var first = client.post("/tasks", "{\"title\":\"slashed\"}");
    var again = client.post("/tasks/", "{\"title\":\"slashed\"}");
    assertEquals("true", again.header(REPLAYED).orElse(null), again::toString);
    assertEquals(first.body(), again.body());
  }

  @Test
  void theSameKeyWithAnotherRequestIs422() {
    var client = keyed(http, "reused-" + UUID.randomUUID());
    assertEquals(201, client.post("/tasks", "{\"title\":\"first\"}").status());
    assertProblem(client.post("/tasks", "{\"title\":\"second\"}"), 422, "idempotency-key-reused");
    assertProblem(
        client.post("/categories", "{\"name\":\"first\"}"), 422, "idempotency-key-reused");
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE title = 'second'"));
  }

  @Test
  void keysAreCheckedAndBelongToOneUser() {
    String longest = "k".repeat(255);
    assertEquals(201, keyed(http, longest).post("/tasks", "{\"title\":\"long\"}").status());
    var quoted = keyed(http, "\"" + longest + "\"").post("/tasks", "{\"title\":\"long\"}");
    assertEquals("true", quoted.header(REPLAYED).orElse(null), "a quoted key is the same key");
    for (String bad : List.of("k".repeat(256), "\"\"", "a\"b")) {
      var refused = keyed(http, bad).post("/tasks", "{\"title\":\"bad key\"}");
      assertProblem(refused, 422, "validation-error");
      assertEquals(Set.of("Idempotency-Key"), errorFields(refused), bad);
    }
    var other =
        keyed(server.newUser("idem-" + database.name().toLowerCase() + "@example.com"), longest);
    var theirs = other.post("/tasks", "{\"title\":\"long\"}");
    assertEquals(201, theirs.status());
    assertTrue(theirs.header(REPLAYED).isEmpty(), "another user's key is another key");
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE title = 'bad key'"));
  }

  @Test
  void aRetryWhileTheFirstRunsIs409UntilItsLeaseEnds() {
    String body = "{\"title\":\"running\"}";
    claimedByAnother("running-key", body, Instant.now().plusSeconds(30));
    var busy = keyed(http, "running-key").post("/tasks", body);
    assertProblem(busy, 409, "idempotency-key-in-use");
    assertEquals("1", busy.header("retry-after").orElseThrow(), "creates take milliseconds");
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE title = 'running'"));

    server.sql("DELETE FROM idempotency_keys");
    claimedByAnother("dead-key", body, Instant.now().minusSeconds(1)); // its request died
    var takenOver = keyed(http, "dead-key").post("/tasks", body);
    assertEquals(201, takenOver.status(), takenOver::toString);
    assertEquals("true", keyed(http, "dead-key").post("/tasks", body).header(REPLAYED).get());
  }

  @Test
  void concurrentRetriesCreateOnce() throws Exception {
    var client = keyed(http, "raced-" + UUID.randomUUID());
    List<Http.Response> answers =
        Parallel.run(8, () -> client.post("/tasks", "{\"title\":\"raced\"}"));
    var ids = new java.util.HashSet<String>();
    for (var answer : answers) {
      assertTrue(answer.status() == 201 || answer.status() == 409, answer::toString);
      if (answer.status() == 201) {
        ids.add(answer.json().get("id").asText());
      }
    }
    assertEquals(1, ids.size(), "every 201 is the same task: " + answers);
    assertEquals(1, count("SELECT count(*) FROM tasks WHERE title = 'raced'"));
  }

  @Test
  void aFailedCreateKeepsNothingAndItsRetryRunsAgain() {
    var client = keyed(http, "failing-" + UUID.randomUUID());
    String body = "{\"category_id\":99999999,\"name\":\"orphan\",\"price\":\"1.00\"}";
    assertProblem(client.post("/items", body), 404, "not-found");
    assertEquals(0, count("SELECT count(*) FROM idempotency_keys"));
    assertProblem(client.post("/items", body), 404, "not-found");
  }

  @Test
  void keysExpireAfterTheirTtlAndAreDeleted() {
    try (var brief = TestServer.start(database, Map.of("IDEMPOTENCY_TTL_S", "1"))) {
      var client = keyed(brief.http(), "ttl-key");
      var first = client.post("/tasks", "{\"title\":\"ttl\"}");
      var db = brief.app().database();
      long left =
          Eventually.until(
              () ->
                  db.read("SELECT count(*) FROM idempotency_keys", Map.of())
                      .await()
                      .iterator()
                      .next()
                      .getLong(0),
              n -> n == 0);
      assertEquals(0, left, "expired keys are deleted");
      var later = client.post("/tasks", "{\"title\":\"ttl\"}");
      assertEquals(201, later.status());
      assertTrue(later.header(REPLAYED).isEmpty(), "an expired key is a new key");
      assertNotEquals(first.json().get("id"), later.json().get("id"));
    }
  }

  @Test
  void anotherInstanceReplaysTheAnswer() {
    var env = TestServer.environment(server.database().url(), Map.of());
    var second = Taskloop.start(AppConfig.fromEnv(env), TestServer.vertxOptions());
    try {
      String key = "shared-" + UUID.randomUUID();
      var first = keyed(http, key).post("/tasks", "{\"title\":\"shared\"}");
      assertEquals(201, first.status());
      String apiKey = server.loginOwner().json().get("key").asText();
      var there = new Http("http://127.0.0.1:" + second.port()).withKey(apiKey);
      var replay = keyed(there, key).post("/tasks", "{\"title\":\"shared\"}");
      assertEquals("true", replay.header(REPLAYED).orElse(null), replay::toString);
      assertEquals(first.body(), replay.body());
      assertEquals(1, count("SELECT count(*) FROM tasks WHERE title = 'shared'"));
    } finally {
      second.shutdown();
    }
  }

  /** A row as an instance that is still running the request (or died running it) leaves it. */
  private void claimedByAnother(String key, String body, Instant lockedUntil) {
    var db = server.app().database();
    var params = new HashMap<String, Object>();
    params.put("owner", UUID.fromString(server.ownerId()));
    params.put("key", IdempotencyKey.sha256(key.getBytes(StandardCharsets.US_ASCII)));
    params.put(
        "fingerprint",
        IdempotencyKey.sha256(("POST /tasks\n" + body).getBytes(StandardCharsets.UTF_8)));
    params.put("claim", UUID.randomUUID());
    params.put("lockedUntil", db.timestamp(lockedUntil));
    params.put("expires", db.timestamp(Instant.now().plusSeconds(3600)));
    db.write(
            "INSERT INTO idempotency_keys (owner_id, key_hash, fingerprint, claim, locked_until,"
                + " expires_at) VALUES (#{owner}, #{key}, #{fingerprint}, #{claim},"
                + " #{lockedUntil}, #{expires})",
            params)
        .await();
  }
}
