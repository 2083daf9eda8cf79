package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.RawConnection;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A seeded contract fuzz of every operation in the API document: valid requests built from its
 * schemas and mutations of them (see {@link FuzzCases}), a few thousand, sent to the real server as
 * raw bytes. Every answer must be declared by the operation, never a 5xx but a 503 with {@code
 * Retry-After}, a matching problem document for every error, a body matching its schema for every
 * success, and no success for a request the document rules out (see {@link FuzzFailures}). The seed
 * is {@value #DEFAULT_SEED}; {@code -Dfuzz.seed=...} picks another.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ContractFuzzIT extends SharedServer {
  static final long DEFAULT_SEED = 20_260_517L;

  /** The service answers in milliseconds; this long without an answer is a failure. */
  private static final int ANSWER_TIMEOUT_MILLIS = 5_000;

  @Test
  void everyAnswerKeepsTheContract() {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    var document = new ApiDocument(new JsonObject(http.get("/openapi.json").body()));
    var random = new Random(seed);
    var fixtures = Fixtures.create();
    var fuzz = new FuzzCases(document, fixtures, random);
    // A valid request of each operation first (before the login limiter and deletions bite),
    // then every other case in the seed's order, so that operations interleave.
    var order = new ArrayList<Supplier<FuzzRequest>>();
    var rest = new ArrayList<Supplier<FuzzRequest>>();
    for (Operation operation : document.operations()) {
      List<Supplier<FuzzRequest>> cases = fuzz.of(operation);
      order.add(cases.getFirst());
      rest.addAll(cases.subList(1, cases.size()));
    }
    Collections.shuffle(rest, random);
    order.addAll(rest);

    var failures = new FuzzFailures(document, seed, fixtures::redact);
    try (var client = new RawConnection(server.app().port(), ANSWER_TIMEOUT_MILLIS)) {
      for (Supplier<FuzzRequest> next : order) {
        FuzzRequest request = next.get();
        var response =
            client.send(
                request.operation().method(), request.uri(), request.headers(), request.body());
        failures.check(request, response);
        fixtures.learn(request, response);
      }
    }
    System.out.println(failures.statistics());
    failures.assertNone();
  }

  /**
   * The callers and resources the fuzz points at: an admin (promoted with SQL, so that sign-up
   * stays open), another user, keys that must not work, and real tasks, categories, items, keys and
   * users. It learns the ids that 201s create and forgets those that 204s delete.
   */
  private static final class Fixtures implements FuzzCases.World {
    static final String ADMIN_EMAIL = "fuzz-admin@example.com";
    static final String ADMIN_PASSWORD = "fuzz-admin-password";
    final Map<String, List<String>> ids = new HashMap<>();
    final Map<String, String> deadKeys = new LinkedHashMap<>();
    String adminKey;
    String otherKey;

    static Fixtures create() {
      var fixtures = new Fixtures();
      String adminId = server.signUp(ADMIN_EMAIL, ADMIN_PASSWORD).get("user").get("id").asText();
      server.sql("UPDATE users SET is_admin = TRUE WHERE id = '" + adminId + "'");
      // A key made after the promotion, so that no cached principal predates it.
      String login = "{\"email\":\"" + ADMIN_EMAIL + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}";
      fixtures.adminKey =
          created(server.anonymous().post("/auth/api-keys", login)).get("key").asText();
      Http admin = server.anonymous().withKey(fixtures.adminKey);
      assertTrue(
          admin.get("/users/me").json().get("is_admin").asBoolean(), "the fuzz admin is one");
      fixtures.otherKey = key(server.signUp("fuzz-other@example.com", "fuzz-other-password"));

      JsonNode revoked = created(admin.post("/users/me/api-keys", "{}"));
      assertEquals(204, admin.delete("/users/me/api-keys/" + revoked.get("id").asText()).status());
      fixtures.deadKeys.put("revoked key", revoked.get("key").asText());
      JsonNode inactive = server.signUp("fuzz-inactive@example.com", "fuzz-inactive-password");
      String inactiveId = inactive.get("user").get("id").asText();
      assertEquals(200, admin.patch("/users/" + inactiveId, "{\"is_active\":false}").status());
      fixtures.deadKeys.put("deactivated user's key", key(inactive));

      for (int i = 0; i < 12; i++) {
        fixtures.add("tasks", created(admin.post("/tasks", "{\"title\":\"fuzz " + i + "\"}")));
        fixtures.add("items", created(admin.post("/items", item(admin, fixtures, i))));
      }
      for (int i = 0; i < 6; i++) {
        fixtures.add("api-keys", created(admin.post("/users/me/api-keys", "{\"name\":\"fuzz\"}")));
        String victim = "fuzz-victim-" + i + "@example.com";
        fixtures.add("users", server.signUp(victim, "fuzz-victim-password").get("user"));
      }
      fixtures.ids.get("users").add(adminId); // the admin's own id is a real user too
      return fixtures;
    }

    /** An item in one of 6 categories, made on demand. */
    private static String item(Http admin, Fixtures fixtures, int i) {
      if (i < 6) {
        fixtures.add(
            "categories", created(admin.post("/categories", "{\"name\":\"fuzz " + i + "\"}")));
      }
      String category = fixtures.ids.get("categories").get(i % 6);
      return "{\"category_id\":" + category + ",\"name\":\"fuzz\",\"price\":\"" + i + ".50\"}";
    }

    private static JsonNode created(Http.Response response) {
      assertEquals(201, response.status(), response::toString);
      return response.json();
    }

    private static String key(JsonNode signedUp) {
      return signedUp.get("api_key").get("key").asText();
    }

    private void add(String collection, JsonNode created) {
      add(collection, created.get("id").asText());
    }

    private void add(String collection, String id) {
      ids.computeIfAbsent(collection, c -> new ArrayList<>()).add(id);
    }

    @Override
    public String adminKey() {
      return adminKey;
    }

    @Override
    public String otherKey() {
      return otherKey;
    }

    @Override
    public Map<String, String> deadKeys() {
      return deadKeys;
    }

    @Override
    public List<String> ids(String collection) {
      return ids.getOrDefault(collection, List.of());
    }

    @Override
    public void useRealReferences(String schemaName, JsonObject body, Random random) {
      List<String> categories = ids("categories");
      if (body.containsKey("category_id") && !categories.isEmpty() && random.nextInt(5) > 0) {
        body.put("category_id", Long.parseLong(categories.get(random.nextInt(categories.size()))));
      }
      if (schemaName.equals("Login") && random.nextBoolean()) {
        body.put("email", ADMIN_EMAIL).put("password", ADMIN_PASSWORD);
      }
    }

    /** Remembers what a 201 created, forgets what a 204 deleted. */
    void learn(FuzzRequest request, RawConnection.Response response) {
      String path = request.operation().path();
      // Sign-ups are not remembered, so that the admin's own id stays likely among the users.
      if (response.status() == 201 && !path.equals("/users")) {
        add(
            path.substring(path.lastIndexOf('/') + 1),
            String.valueOf(new JsonObject(response.text()).getValue("id")));
      } else if (response.status() == 204 && path.endsWith("/{id}")) {
        String collection = path.substring(0, path.length() - "/{id}".length());
        String name = collection.substring(collection.lastIndexOf('/') + 1);
        ids.computeIfAbsent(name, c -> new ArrayList<>()).remove(request.pathValues().get("id"));
      }
    }

    /** Printed requests name the keys instead of showing them. */
    String redact(String text) {
      text = text.replace(adminKey, "<admin key>").replace(otherKey, "<other user's key>");
      for (var dead : deadKeys.entrySet()) {
        text = text.replace(dead.getValue(), "<" + dead.getKey() + ">");
      }
      return text;
    }
  }
}
