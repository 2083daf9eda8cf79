package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import dev.taskloop.system.openapi.ApiDocument.Parameter;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What the document cannot tell the request-rules walk, in one place: who calls an operation, which
 * resource a path id or a body reference names, and the one baseline query the schemas do not give.
 * Every case gets resources of its own (made through the collection's documented POST with a valid
 * body), so that no case depends on another.
 */
final class RuleFixtures {
  static final String ADMIN_EMAIL = "rules-admin@example.com";
  static final String ADMIN_PASSWORD = "rules-admin-password";

  /** Body fields that name another resource of the caller, by the collection they name. */
  private static final Map<String, String> REFERENCES = Map.of("category_id", "/categories");

  /**
   * Baseline queries the schemas cannot give. The category at the boundary id (1) holds the items
   * that other cases put into category 1, so deleting it needs {@code cascade}.
   */
  private static final Map<String, Map<String, String>> QUERIES =
      Map.of("DELETE /categories/{id}", Map.of("cascade", "true"));

  private final TestServer server;
  private final ApiDocument document;
  private final RuleValues values;
  private final Http admin;
  private boolean noAccountHas;

  /** {@code server} runs with {@link #ADMIN_EMAIL} as its admin (see the test's environment). */
  RuleFixtures(TestServer server, ApiDocument document, RuleValues values) {
    this.server = server;
    this.document = document;
    this.values = values;
    this.admin = server.loggedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  }

  /** A valid request of the operation: own resources in the path, every body field valid. */
  RuleRequest baseline(Operation op) {
    var request = new RuleRequest(op);
    for (Parameter p : op.in("path")) {
      request.path.put(p.name(), create(collection(op, p)));
    }
    for (Parameter p : op.in("query")) {
      if (p.required()) {
        request.query.put(p.name(), String.valueOf(values.valid(p.schema())));
      }
    }
    request.query.putAll(QUERIES.getOrDefault(op.name(), Map.of()));
    op.body()
        .ifPresent(
            body -> {
              request.body = values.object(body.schema());
              REFERENCES.forEach(
                  (field, collection) -> {
                    if (request.body.containsKey(field)) {
                      request.body.put(field, Long.parseLong(create(collection)));
                    }
                  });
            });
    return request;
  }

  /**
   * Readies what a request that must pass needs, and returns its caller. An id a case set (its
   * minimum, 1) is made to name a resource of the caller.
   */
  Http prepare(RuleRequest request, boolean pass) {
    Operation op = request.op;
    noAccountHas = false;
    if (pass) {
      for (Parameter p : op.in("path")) {
        if (ApiDocument.types(p.schema()).contains("integer")) {
          ensure(collection(op, p), request.path.get(p.name()));
        }
      }
      REFERENCES.forEach(
          (field, collection) -> {
            if (request.body != null && request.body.getValue(field) instanceof Number id) {
              ensure(collection, String.valueOf(id));
            }
          });
    }
    return switch (op.name()) {
      // A login needs the account: signed up with the body's email and password, when valid.
      // Credentials that sign-up's rules refuse (a login checks only their type and length) can
      // belong to no account: such a login must fail as a wrong password does (noAccountHas).
      case "POST /auth/api-keys" -> {
        noAccountHas =
            pass
                && trySignUp(request.body.getString("email"), request.body.getString("password"))
                    == null;
        yield server.anonymous();
      }
      // A password change logs the caller's other keys out: a user of its own per case, whose
      // password is the body's current_password (a wrong one would count toward the login limit).
      case "PATCH /users/me" -> {
        String current = pass ? request.body.getString("current_password") : null;
        JsonNode made = current == null ? null : trySignUp(values.email(24), current);
        noAccountHas = pass && made == null;
        yield made == null ? user("rules-user-password") : withKey(made);
      }
      default -> op.secured() ? admin : server.anonymous();
    };
  }

  /** A new resource of the collection ("/tasks"), made by its documented POST; its id. */
  private String create(String collection) {
    Operation post =
        document.operations().stream()
            .filter(op -> op.method().equals("POST") && op.path().equals(collection))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no POST " + collection + " to make one"));
    RuleRequest request = baseline(post);
    var response =
        (post.secured() ? admin : server.anonymous()).post(collection, request.bodyText());
    assertEquals(201, response.status(), () -> "fixture " + request + " -> " + response);
    JsonNode created = response.json();
    return (created.has("user") ? created.get("user") : created).get("id").asText(); // sign-up
  }

  /**
   * Makes {@code id} name a resource of the caller. The API cannot choose an id, so a fresh row is
   * renumbered (nothing refers to a fresh row yet); the table is the collection's name.
   */
  private void ensure(String collection, String id) {
    if (admin.get(collection + "/" + id).status() == 200) {
      return;
    }
    long fresh = Long.parseLong(create(collection));
    server.sql(
        "UPDATE "
            + collection.substring(1)
            + " SET id = "
            + Long.parseLong(id)
            + " WHERE id = "
            + fresh);
  }

  private Http user(String password) {
    return withKey(signUp(values.email(24), password));
  }

  private Http withKey(JsonNode signedUp) {
    return server.anonymous().withKey(signedUp.get("api_key").get("key").asText());
  }

  /**
   * Whether the last prepared request passes the rules with credentials no account can have: it
   * must then fail as a wrong password does (401, or "is not correct"), not on their shape.
   */
  boolean noAccountHas() {
    return noAccountHas;
  }

  /** The sign-up's answer, or null when its rules refuse these credentials (422). */
  private JsonNode trySignUp(String email, String password) {
    String body = new JsonObject().put("email", email).put("password", password).encode();
    var response = server.anonymous().post("/users", body);
    if (response.status() == 422) {
      return null;
    }
    assertEquals(201, response.status(), () -> "fixture sign-up " + body + " -> " + response);
    return response.json();
  }

  private JsonNode signUp(String email, String password) {
    String body = new JsonObject().put("email", email).put("password", password).encode();
    var response = server.anonymous().post("/users", body);
    assertEquals(201, response.status(), () -> "fixture sign-up " + body + " -> " + response);
    return response.json();
  }

  /** The collection a path parameter names: the path before it ("/users/me/api-keys"). */
  private static String collection(Operation op, Parameter p) {
    return op.path().substring(0, op.path().indexOf("/{" + p.name() + "}"));
  }
}
