package dev.taskloop.system.startup;

import dev.taskloop.system.config.AppConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code java -XX:AOTCacheOutput=taskloop.aot -jar taskloop.jar train}: the training run of the AOT
 * cache (JEP 483/514). It starts the real service on a throw-away SQLite file in a temp directory,
 * on 127.0.0.1 and a free port, sends the requests a service's first minutes are made of (probes,
 * sign-up, login, create, get, list and patch tasks) with the JDK's own HTTP client, shuts the
 * service down gracefully and deletes the directory. The environment is ignored, so a training run
 * in a build or an image never reaches a real database. Any unexpected answer fails the run, and
 * with it the build: a cache is only made from a service that worked.
 */
public final class TrainingRun {
  /** Rounds of create, get, list and patch: enough for the JIT's profiles, about a second. */
  static final int ROUNDS = 200;

  /** What the training needs of a started service: its port, and its graceful stop. */
  public record Service(int port, Runnable shutdown) {}

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  private TrainingRun(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Runs the training with {@code starter} (the service's own startup); throws on any failure. */
  public static void run(Function<AppConfig, Service> starter) throws IOException {
    Path dir = Files.createTempDirectory("taskloop-train");
    try {
      AppConfig config =
          AppConfig.fromEnv(
              Map.of(
                  "DATABASE_URL", "sqlite:" + dir.resolve("train.db"),
                  "HOST", "127.0.0.1",
                  "PORT", "0",
                  "LOG_LEVEL", "WARN"));
      Service service = starter.apply(config);
      try {
        new TrainingRun(service.port()).requests();
      } finally {
        service.shutdown().run();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private void requests() throws IOException {
    expect(200, send("GET", "/health/live", null, null));
    expect(200, send("GET", "/health/ready", null, null));
    var account =
        new JsonObject().put("email", "train@example.com").put("password", "train-pass-1");
    var signUp = new JsonObject(expect(201, send("POST", "/users", null, account)));
    String key = signUp.getJsonObject("api_key").getString("key");
    expect(201, send("POST", "/auth/api-keys", null, account.copy().put("name", "second")));
    expect(200, send("GET", "/users/me", key, null));
    for (int i = 0; i < ROUNDS; i++) {
      var task = new JsonObject().put("title", "task " + i).put("description", "trained");
      long id = new JsonObject(expect(201, send("POST", "/tasks", key, task))).getLong("id");
      expect(200, send("GET", "/tasks/" + id, key, null));
      new JsonArray(expect(200, send("GET", "/tasks?limit=10", key, null)));
      expect(200, send("PATCH", "/tasks/" + id + "?completed=true", key, null));
    }
    expect(404, send("GET", "/tasks/999999", key, null));
  }

  private HttpResponse<String> send(String method, String path, String key, JsonObject body)
      throws IOException {
    var request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + method + " " + path, e);
    }
  }

  private static String expect(int status, HttpResponse<String> response) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          "training: "
              + response.request().method()
              + " "
              + response.uri().getPath()
              + " answered "
              + response.statusCode()
              + " (expected "
              + status
              + "): "
              + response.body());
    }
    return response.body();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
