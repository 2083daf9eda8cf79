package dev.taskloop.system.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's startup as an operator sees it: the AOT cache's training run ({@code train})
 * passes and leaves nothing behind but the cache, the service starts with that cache, a broken
 * cache never stops it from starting, and LOG_LEVEL=DEBUG times the startup phases in one line.
 */
class StartupIT {
  private static final Pattern PHASES =
      Pattern.compile(
          "DEBUG .* dev\\.taskloop\\.startup - startup phases: jvm=\\d+ ms config=\\d+ ms"
              + " migrate=\\d+ ms pools=\\d+ ms features=\\d+ ms listen=\\d+ ms total=\\d+ ms");

  @Test
  void trainingRunMakesACacheAndLeavesNothingElse(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path cache = dir.resolve("taskloop.aot");
    var training =
        new ProcessBuilder(
                ServiceProcess.java(),
                "-Djava.io.tmpdir=" + tmp,
                "-XX:AOTCacheOutput=" + cache,
                "-jar",
                ServiceProcess.jar().toString(),
                "train")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("training.log").toFile())
            .start();
    assertTrue(training.waitFor(180, TimeUnit.SECONDS), "the training run ended within 180 s");
    String log = Files.readString(dir.resolve("training.log"), StandardCharsets.UTF_8);
    assertEquals(0, training.exitValue(), log);
    assertTrue(Files.size(cache) > 1_000_000, "a cache was written: " + log);
    assertEquals(List.of(), entries(work), "nothing in the working directory");
    assertEquals(List.of(), entries(tmp), "nothing left in the temp directory");

    try (var service = ServiceProcess.start(work, Map.of("PORT", "0"), aot(cache))) {
      assertEquals(200, new Http(base(service)).get("/health/ready").status(), service::output);
      assertFalse(service.output().contains("[aot"), service.output());
    }
  }

  @Test
  void aBrokenCacheIsIgnoredWithAWarning(@TempDir Path dir) throws Exception {
    Path cache = Files.write(dir.resolve("taskloop.aot"), "not a cache".getBytes());
    try (var service = ServiceProcess.start(dir, Map.of("PORT", "0"), aot(cache))) {
      var http = new Http(base(service));
      assertEquals(200, http.get("/health/ready").status(), service::output);
      assertEquals(201, http.post("/users", account()).status(), service::output);
      assertTrue(service.output().contains("[warning][aot"), service.output());
      service.terminate();
      assertEquals(0, service.awaitExit(30));
    }
  }

  @Test
  void debugLogTimesTheStartupPhases(@TempDir Path dir) throws Exception {
    assertTrue(PHASES.matcher(startAndStop(dir, "DEBUG")).find());
    assertFalse(startAndStop(dir, "INFO").contains("startup phases"));
  }

  /** Everything the service printed from its start to its graceful stop. */
  private static String startAndStop(Path dir, String level) throws Exception {
    try (var service = ServiceProcess.start(dir, Map.of("PORT", "0", "LOG_LEVEL", level))) {
      service.awaitPort();
      service.terminate();
      assertEquals(0, service.awaitExit(30), service::output);
      return service.output();
    }
  }

  private static List<String> aot(Path cache) {
    return List.of("-XX:AOTCache=" + cache);
  }

  private static String base(ServiceProcess service) throws InterruptedException {
    return "http://127.0.0.1:" + service.awaitPort();
  }

  private static String account() {
    return "{\"email\":\"startup@example.com\",\"password\":\"startup-password\"}";
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
