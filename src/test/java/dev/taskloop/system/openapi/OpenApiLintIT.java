package dev.taskloop.system.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.ExternalTools;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API document, exactly as served at {@code /openapi.json}, passes Spectral's OpenAPI ruleset
 * ({@code .spectral.yaml} at the project root: {@code spectral:oas}, each rule turned off there
 * with its reason). Every finding fails the test, warnings and hints included, and is listed.
 * Spectral is pinned in {@code tools/openapi}; without it the test is skipped with a message,
 * unless {@code CI} is set: then it fails.
 */
class OpenApiLintIT {
  /** Under the project root, so that the ruleset's {@code **}{@code /openapi.json} globs match. */
  private static final Path DIR = Path.of("target", "openapi-lint");

  private static String served;
  private Path spectral;

  @BeforeEach
  void requireSpectral() {
    spectral = ExternalTools.requireNpm("linting the API document", "spectral").getFirst();
  }

  /** The body of {@code GET /openapi.json}, fetched once (after the tools were found). */
  private static synchronized String served() {
    if (served == null) {
      try (var server = TestServer.start(TestDatabase.SQLITE)) {
        var response = server.http().get("/openapi.json");
        assertEquals(200, response.status(), response::toString);
        served = response.body();
      }
    }
    return served;
  }

  @Test
  void servedDocumentHasNoFindings() throws Exception {
    List<String> findings = lint(DIR.resolve("served"), served());
    assertTrue(
        findings.isEmpty(),
        () -> findings.size() + " Spectral findings:\n" + String.join("\n", findings));
  }

  /** The same run finds what a broken copy lacks: the check above can fail. */
  @Test
  void findingsOfABrokenCopyAreListed() throws Exception {
    var broken = new JsonObject(served());
    broken.remove("servers");
    broken
        .getJsonObject("paths")
        .getJsonObject("/tasks")
        .getJsonObject("get")
        .remove("description");
    var rules = new TreeSet<String>();
    for (String finding : lint(DIR.resolve("broken"), broken.encodePrettily())) {
      rules.add(finding.split(" ")[1]);
    }
    assertEquals(Set.of("oas3-api-servers", "operation-description"), rules);
  }

  /** Spectral's findings on {@code document}, one line each: severity, rule, where, message. */
  private List<String> lint(Path dir, String document) throws Exception {
    Files.createDirectories(dir);
    Path file = dir.resolve("openapi.json");
    Path report = dir.resolve("spectral.json");
    Files.writeString(file, document);
    Files.deleteIfExists(report);
    var run =
        ToolRun.of(
            120,
            List.of(
                spectral.toString(),
                "lint",
                "--ruleset=.spectral.yaml",
                "--format=json",
                "--output=" + report,
                "--fail-severity=hint",
                file.toString()));
    assertTrue(
        run.code() <= 1 && Files.exists(report),
        () -> "Spectral did not lint (exit " + run.code() + "):\n" + run.output());
    var findings = new JsonArray(Files.readString(report)).stream().map(JsonObject.class::cast);
    return findings.map(OpenApiLintIT::describe).toList();
  }

  private static String describe(JsonObject finding) {
    String[] severities = {"error", "warning", "info", "hint"};
    var start = finding.getJsonObject("range").getJsonObject("start");
    return "%s %s at %s (line %d): %s"
        .formatted(
            severities[finding.getInteger("severity")],
            finding.getString("code"),
            String.join(".", finding.getJsonArray("path").stream().map(String::valueOf).toList()),
            start.getInteger("line") + 1,
            finding.getString("message"));
  }
}
