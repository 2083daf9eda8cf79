package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskloop.support.Http;
import dev.taskloop.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's own logback.xml (the tests' logback-test.xml has no async appender): lines
 * reach stdout while the service runs, though the console flushes only at the end of each batch;
 * {@code LOG_FORMAT=json} finds the console behind the async appender; the last line of a stop is
 * written before the process exits, also when a second SIGTERM cuts the stop short.
 */
class PackagedLogsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void accessLinesReachStdoutWhileRunningAndTheStopLineBeforeTheExit() throws Exception {
    try (var process =
        ServiceProcess.start(dir, Map.of("DATABASE_URL", "sqlite:./app.db", "PORT", "0"))) {
      var http = new Http("http://127.0.0.1:" + process.awaitPort());
      assertEquals(200, http.get("/health/live").status());
      String line =
          awaitLine(process, l -> l.contains("dev.taskloop.access") && l.contains("/health/live"));
      assertTrue(line.contains("GET /health/live 200 "), line);

      process.terminate();
      assertEquals(0, process.awaitExit(30));
      String last = process.output().strip().lines().reduce((a, b) -> b).orElseThrow();
      assertTrue(last.contains("stopped in "), process.output());
    }
  }

  @Test
  void aSecondSigtermExitsAtOnceWith143AndSaysSo() throws Exception {
    // the first SIGTERM keeps the listener 30 s for the load balancer to notice: stopping is slow
    var env = Map.of("DATABASE_URL", "sqlite:./app.db", "PORT", "0", "SHUTDOWN_DELAY_S", "30");
    try (var process = ServiceProcess.start(dir, env)) {
      var http = new Http("http://127.0.0.1:" + process.awaitPort());
      assertEquals(200, http.get("/health/live").status());
      process.terminate();
      awaitLine(process, l -> l.contains("shutting down"));
      long start = System.nanoTime();
      process.terminate();
      assertEquals(143, process.awaitExit(10));
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "at once, not after the delay");
      String last = process.output().strip().lines().reduce((a, b) -> b).orElseThrow();
      assertTrue(last.contains("second SIGTERM while stopping: exiting now with 143"), last);
    }
  }

  @Test
  void aDotEnvInTheWorkingDirectoryIsReadUnderTheEnvironment() throws Exception {
    Files.writeString(dir.resolve(".env"), "SIGNUP_ENABLED=false\nACCESS_LOG=false\n");
    var env = Map.of("DATABASE_URL", "sqlite:./app.db", "PORT", "0", "ACCESS_LOG", "true");
    try (var process = ServiceProcess.start(dir, env)) {
      var http = new Http("http://127.0.0.1:" + process.awaitPort());
      var signUp =
          http.post("/users", "{\"email\":\"a@example.com\",\"password\":\"long enough\"}");
      assertEquals(403, signUp.status(), "the file's SIGNUP_ENABLED=false");
      awaitLine(process, l -> l.contains("POST /users 403")); // the process's ACCESS_LOG=true won
      assertTrue(
          process.output().contains("configuration: .env set SIGNUP_ENABLED\n"), process.output());
      process.terminate();
      assertEquals(0, process.awaitExit(30));
    }
  }

  @Test
  void jsonFormatAppliesToTheConsoleBehindTheAsyncAppender() throws Exception {
    var env = Map.of("DATABASE_URL", "sqlite:./app.db", "PORT", "0", "LOG_FORMAT", "json");
    try (var process = ServiceProcess.start(dir, env)) {
      var http = new Http("http://127.0.0.1:" + process.awaitPort());
      assertEquals(200, http.get("/health/live").status());
      String line = awaitLine(process, l -> l.contains("\"dev.taskloop.access\""));
      var fields = JSON.readTree(line);
      assertEquals("GET", fields.path("method").asText(), line);
      assertEquals(200, fields.path("status").asInt(), line);

      process.terminate();
      assertEquals(0, process.awaitExit(30));
      for (String each : process.output().strip().lines().toList()) {
        if (each.startsWith("{")) {
          assertTrue(JSON.readTree(each).has("timestamp"), each);
        }
      }
    }
  }

  /** The first line of the output that matches, waiting up to 5 s for it (no stop in between). */
  private static String awaitLine(ServiceProcess process, Predicate<String> wanted)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      var found = process.output().lines().filter(wanted).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such line within 5 s: " + process.output());
  }
}
