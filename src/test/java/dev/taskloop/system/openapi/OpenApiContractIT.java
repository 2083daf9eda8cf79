package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API document is the contract: it is a valid OpenAPI 3.1 document, it lists exactly the routes
 * the server has, and real responses match its schemas.
 */
class OpenApiContractIT {
  static TestServer server;
  static Http http;
  static Vertx vertx;
  static JsonObject document;
  static DocumentedResponses responses;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestDatabase.SQLITE);
    http = server.http();
    vertx = Vertx.vertx();
    document = new JsonObject(http.get("/openapi.json").body());
    responses = new DocumentedResponses(new ApiDocument(document));
  }

  @AfterAll
  static void stop() {
    server.close();
    vertx.close().await();
  }

  @Test
  void documentIsValidOpenApi31() throws Exception {
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertEquals(OpenAPIVersion.V3_1, version);
    var repository = version.getRepository(vertx, "app://").await();
    // Both steps annotate the object they are given: hand them copies.
    version.validateContract(vertx, repository, document.copy()).await().checkValidity();
    assertNotNull(
        version.resolve(vertx, repository, document.copy()).await(), "every $ref resolves");
  }

  @Test
  void documentDescribesExactlyTheRoutesThatExist() {
    var routed = new TreeSet<String>();
    for (Routes.Endpoint endpoint : server.app().routes().endpoints()) {
      if (endpoint.documented()) {
        routed.add(endpoint.method().name() + " " + endpoint.path());
      }
    }
    var documented = new TreeSet<String>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    assertEquals(routed, documented);
  }

  @Test
  void realResponsesMatchTheDocument() {
    var created = http.post("/tasks", "{\"title\":\"contract\",\"description\":null}");
    check("POST", "/tasks", created);
    long id = created.json().get("id").asLong();
    check("POST", "/tasks", http.post("/tasks", "{\"title\":\"\"}"));
    check("POST", "/tasks", http.post("/tasks", "{not json"));
    check("POST", "/tasks", http.send("POST", "/tasks", "text/plain", "title"));
    check("POST", "/tasks", http.post("/tasks", "{\"title\":\"" + "x".repeat(70_000) + "\"}"));
    check("GET", "/tasks", http.get("/tasks?limit=5"));
    check("GET", "/tasks", http.get("/tasks?limit=500"));
    check("GET", "/tasks/{id}", http.get("/tasks/" + id));
    check("GET", "/tasks/{id}", http.get("/tasks/987654"));
    check("GET", "/tasks/{id}", http.get("/tasks/abc"));
    check("PATCH", "/tasks/{id}", http.patch("/tasks/" + id, "{\"is_completed\":true}"));
    check(
        "PATCH",
        "/tasks/{id}",
        http.send("PATCH", "/tasks/" + id + "?completed=false", null, null));
    check("PATCH", "/tasks/{id}", http.patch("/tasks/" + id, "{\"title\":null}"));
    check("DELETE", "/tasks/{id}", http.delete("/tasks/" + id));
    check("DELETE", "/tasks/{id}", http.delete("/tasks/" + id));
    check("GET", "/health/live", http.get("/health/live"));
    check("GET", "/health/ready", http.get("/health/ready"));
    check("GET", "/docs", http.get("/docs"));
    check("GET", "/redoc", http.get("/redoc"));
    check("GET", "/", http.get("/"));
    check("GET", "/tasks/export", http.get("/tasks/export"));
    check("GET", "/tasks/export", http.withHeader("Accept", "text/csv").get("/tasks/export"));
    // 405 belongs to no operation (it answers methods a path does not have): its shared definition.
    responses.checkAgainst(
        document
            .getJsonObject("components")
            .getJsonObject("responses")
            .getJsonObject("MethodNotAllowed"),
        "PUT /tasks -> 405",
        http.send("PUT", "/tasks", "application/json", "{}"));
  }

  @Test
  void catalogResponsesMatchTheDocument() {
    var category = http.post("/categories", "{\"name\":\"Contract\"}");
    check("POST", "/categories", category);
    long id = category.json().get("id").asLong();
    check("POST", "/categories", http.post("/categories", "{\"name\":\"CONTRACT\"}"));
    check("POST", "/categories", http.post("/categories", "{\"name\":\"\"}"));
    String item = "{\"category_id\":" + id + ",\"name\":\"Pen\",\"price\":\"1.5\"}";
    var created = http.post("/items", item);
    check("POST", "/items", created);
    String itemPath = "/items/" + created.json().get("id").asLong();
    check("POST", "/items", http.post("/items", item.replace(":" + id + ",", ":987654,")));
    check("GET", "/categories", http.get("/categories"));
    check("GET", "/categories", http.get("/categories?include=items&limit=1"));
    check("GET", "/categories", http.get("/categories?include=other"));
    check("GET", "/categories/{id}", http.get("/categories/" + id));
    check("GET", "/categories/{id}", http.get("/categories/987654"));
    check("PATCH", "/categories/{id}", http.patch("/categories/" + id, "{\"name\":\"Desk\"}"));
    check("GET", "/items", http.get("/items?category_id=" + id));
    check("GET", "/items/{id}", http.get(itemPath));
    check("PUT", "/items/{id}", http.send("PUT", itemPath, "application/json", item));
    check("PATCH", "/items/{id}", http.patch(itemPath, "{\"description\":\"blue\"}"));
    check("PATCH", "/items/{id}", http.patch(itemPath, "{\"price\":12.5}"));
    check("DELETE", "/categories/{id}", http.delete("/categories/" + id));
    check("DELETE", "/items/{id}", http.delete(itemPath));
    check("DELETE", "/items/{id}", http.delete(itemPath));
    check("DELETE", "/categories/{id}", http.delete("/categories/" + id + "?cascade=true"));
  }

  @Test
  void reportResponsesMatchTheDocument() {
    http.post("/tasks", "{\"title\":\"reported\"}");
    long category = http.post("/categories", "{\"name\":\"Reported\"}").json().get("id").asLong();
    http.post("/items", "{\"category_id\":" + category + ",\"name\":\"x\",\"price\":\"2\"}");
    check("GET", "/reports/summary", http.get("/reports/summary"));
    check("GET", "/reports/summary", server.anonymous().get("/reports/summary"));
  }

  @Test
  void adminResponsesMatchTheDocument() {
    check("GET", "/admin/pool", server.anonymous().get("/admin/pool"));
    check("GET", "/admin/pool", http.get("/admin/pool")); // the owner is no admin: 403
    String email = "contract-admin@example.com";
    String id = server.signUp(email, "contract-password").get("user").get("id").asText();
    server.sql("UPDATE users SET is_admin = TRUE WHERE id = '" + id + "'");
    var pools = server.loggedIn(email, "contract-password").get("/admin/pool");
    assertEquals(200, pools.status(), pools::toString);
    check("GET", "/admin/pool", pools);
  }

  @Test
  void securityDeclarationsMatchTheRoutes() {
    JsonObject paths = document.getJsonObject("paths");
    assertNotNull(document.getJsonArray("security"), "keys are required by default");
    for (Routes.Endpoint endpoint : server.app().routes().endpoints()) {
      if (!endpoint.documented()) {
        continue;
      }
      JsonObject operation =
          paths
              .getJsonObject(endpoint.path())
              .getJsonObject(endpoint.method().name().toLowerCase(Locale.ROOT));
      JsonArray security = operation.getJsonArray("security");
      boolean documentedPublic = security != null && security.isEmpty();
      assertEquals(!endpoint.authenticated(), documentedPublic, endpoint + " security");
      if (endpoint.authenticated()) {
        assertNotNull(
            operation.getJsonObject("responses").getValue("401"), endpoint + " documents 401");
      }
    }
  }

  @Test
  void accountResponsesMatchTheDocument() {
    String body = "{\"email\":\"contract@example.com\",\"password\":\"contract-password\"}";
    var signedUp = server.anonymous().post("/users", body);
    check("POST", "/users", signedUp);
    check("POST", "/users", server.anonymous().post("/users", body));
    check("POST", "/users", server.anonymous().post("/users", "{\"email\":\"x\"}"));
    Http user = server.anonymous().withKey(signedUp.json().get("api_key").get("key").asText());
    check("POST", "/auth/api-keys", server.anonymous().post("/auth/api-keys", body));
    check(
        "POST",
        "/auth/api-keys",
        server
            .anonymous()
            .post(
                "/auth/api-keys",
                "{\"email\":\"contract@example.com\",\"password\":\"wrong-password\"}"));
    check("GET", "/users/me", user.get("/users/me"));
    check("GET", "/users/me", server.anonymous().get("/users/me"));
    check("PATCH", "/users/me", user.patch("/users/me", "{\"name\":\"Contract\"}"));
    check("GET", "/users", user.get("/users"));
    check(
        "PATCH", "/users/{id}", user.patch("/users/" + server.ownerId(), "{\"is_active\":false}"));
    var key = user.post("/users/me/api-keys", "{\"name\":\"k\",\"expires_in_days\":7}");
    check("POST", "/users/me/api-keys", key);
    check("GET", "/users/me/api-keys", user.get("/users/me/api-keys"));
    check(
        "DELETE",
        "/users/me/api-keys/{id}",
        user.delete("/users/me/api-keys/" + key.json().get("id").asText()));
    check(
        "DELETE",
        "/users/me/api-keys/{id}",
        user.delete("/users/me/api-keys/" + key.json().get("id").asText()));
    check("GET", "/tasks", server.anonymous().get("/tasks"));
  }

  @Test
  void unavailableResponsesMatchTheDocument() {
    try (var down = TestServer.start(TestDatabase.SQLITE)) {
      down.app().database().close().await();
      check("GET", "/health/ready", down.http().get("/health/ready"));
      check("GET", "/tasks/{id}", down.http().get("/tasks/1"));
      check("POST", "/tasks", down.http().post("/tasks", "{\"title\":\"x\"}"));
    }
  }

  @Test
  void swaggerUiIsServedFromTheJar() {
    for (String path : new String[] {"/docs", "/docs/"}) {
      var page = http.get(path);
      assertEquals(200, page.status(), path);
      assertTrue(page.body().contains("/docs/swagger-ui-bundle.js"), "assets by absolute path");
    }
    var bundle = http.get("/docs/swagger-ui-bundle.js");
    assertEquals(200, bundle.status());
    assertTrue(bundle.body().length() > 100_000);
    assertTrue(
        http.get("/docs/swagger-initializer.js").body().contains("/openapi.json"),
        "our document, not the demo");
  }

  @Test
  void redocAndTheIndexAreServedFromTheJar() {
    var page = http.get("/redoc");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("spec-url=\"/openapi.json\""), page.body());
    assertTrue(page.body().contains("src=\"/redoc/redoc.standalone.js\""), page.body());
    var script = http.get("/redoc/redoc.standalone.js");
    assertEquals(200, script.status());
    assertTrue(script.body().length() > 500_000, "the bundle itself");
    var index = server.anonymous().get("/");
    assertEquals(200, index.status());
    assertEquals("/docs", index.json().get("docs").asText());
    assertEquals("/redoc", index.json().get("redoc").asText());
    assertEquals("/openapi.json", index.json().get("openapi").asText());
    assertEquals("/health/ready", index.json().get("health").get("ready").asText());
    for (String link : new String[] {"/docs", "/redoc", "/openapi.json", "/health/live"}) {
      assertEquals(200, server.anonymous().get(link).status(), link);
    }
  }

  /**
   * Asserts that the document lists this status for the operation and that the answer matches it.
   */
  private static void check(String method, String path, Http.Response response) {
    responses.check(method, path, response);
  }
}
