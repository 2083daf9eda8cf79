package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.support.ExternalTools;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client generated from the served {@code /openapi.json} works: openapi-generator's {@code
 * typescript-fetch} client compiles under {@code tsc --strict} together with {@code
 * tools/openapi/client-smoke.ts}, and that program, run by Node.js, signs up, creates, completes,
 * lists and misses a task on the real service. The tools are pinned in {@code tools/openapi}
 * (openapi-generator's jar version in its {@code openapitools.json}); without them the test is
 * skipped with a message, unless {@code CI} is set: then it fails.
 */
class GeneratedClientIT {
  @TempDir Path dir;

  @Test
  void typescriptClientCompilesAndTalksToTheService() throws Exception {
    List<Path> tools =
        ExternalTools.requireNpm("generating a client", "openapi-generator-cli", "tsc");
    try (var server = TestServer.start(TestDatabase.SQLITE)) {
      String base = server.http().base();
      generate(tools.get(0), base + "/openapi.json");
      compile(tools.get(1));
      var line = new JsonObject(run(base).strip().lines().reduce((a, b) -> b).orElse("{}"));
      var task = new Http(base).withKey(line.getString("key")).get("/tasks/" + line.getLong("id"));
      assertEquals(200, task.status(), task::toString);
      assertEquals("From the TypeScript client", task.json().get("title").asText());
      assertEquals(true, task.json().get("is_completed").asBoolean());
      assertEquals(404, line.getInteger("missing"), line::encode);
    }
  }

  private void generate(Path generator, String document) {
    ToolRun.of(
            300,
            List.of(
                generator.toString(),
                "--openapitools=" + ExternalTools.NPM_TOOLS.resolve("openapitools.json"),
                "generate",
                "--input-spec=" + document,
                "--generator-name=typescript-fetch",
                "--output=" + dir.resolve("client")))
        .succeeded();
  }

  private void compile(Path tsc) throws Exception {
    Files.copy(ExternalTools.NPM_TOOLS.resolve("client-smoke.ts"), dir.resolve("client-smoke.ts"));
    ToolRun.of(
            120,
            List.of(
                tsc.toString(),
                "--strict",
                "--noEmitOnError",
                "--target",
                "es2022",
                "--module",
                "commonjs",
                "--lib",
                "es2022,dom",
                "--outDir",
                dir.resolve("out").toString(),
                dir.resolve("client-smoke.ts").toString()))
        .succeeded();
  }

  private String run(String base) {
    Path program = dir.resolve("out/client-smoke.js");
    return ToolRun.of(60, List.of("node", program.toString(), base)).succeeded().output();
  }
}
