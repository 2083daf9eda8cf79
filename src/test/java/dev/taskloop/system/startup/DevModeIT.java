package dev.taskloop.system.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Console;
import dev.taskloop.support.Http;
import dev.taskloop.support.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./taskloop dev} as a developer uses it, on a copy of the source tree (the real one is
 * never edited): it serves on SQLite; a handler's change, once saved, is served within seconds on
 * the same port; a change that does not compile prints javac's error and leaves the last build that
 * compiled serving; SIGTERM (what Ctrl-C does) stops the service too. The copy's first start
 * resolves the dependencies with Maven (the shared ~/.m2) and compiles everything, so it is the
 * slow part.
 */
class DevModeIT {
  private static final String HANDLER = "src/main/java/dev/taskloop/system/http/DocsRoutes.java";

  /** The service's name in the answer of {@code GET /}, as the handler's source spells it. */
  private static final String NAME = "\"taskloop\",";

  private static final Pattern JAVAC_ERROR = Pattern.compile("DocsRoutes\\.java:\\d+: error: ");

  /** What the command needs; target/ and src/test are left out. */
  private static final List<String> TREE =
      List.of("taskloop", "mvnw", "pom.xml", ".mvn", "config", "src/main");

  @TempDir Path tree;

  @Test
  void servesASavedChangeWithinSecondsAndKeepsTheLastBuildWhenAChangeDoesNotCompile()
      throws Exception {
    copySources();
    Path handler = tree.resolve(HANDLER);
    String source = Files.readString(handler);
    assertTrue(source.contains(NAME), "GET /'s name is where the test edits it: " + HANDLER);
    int port = freePort();
    var env = Map.of("PORT", Integer.toString(port), "JAVA_HOME", System.getProperty("java.home"));
    var command = List.of(tree.resolve("taskloop").toString(), "dev");
    try (var dev = ServiceProcess.command(tree, env, command)) {
      awaitOutput(dev, "listening on http://127.0.0.1:" + port + " database=sqlite", 240);
      var http = new Http("http://127.0.0.1:" + port);
      assertEquals("taskloop", name(http));

      long saved = System.nanoTime();
      Files.writeString(handler, source.replace(NAME, "\"taskloop, edited\","));
      awaitServed(dev, http, "taskloop, edited");
      long millis = (System.nanoTime() - saved) / 1_000_000;
      Console.println(
          "taskloop tests: ./taskloop dev served a saved change " + millis + " ms later");
      assertTrue(millis < 30_000, "served " + millis + " ms after the save");

      int starts = count(dev, "listening on");
      Files.writeString(handler, source.replace(NAME, "\"taskloop, broken\" +,"));
      awaitOutput(dev, "does not compile", 60);
      assertTrue(JAVAC_ERROR.matcher(dev.output()).find(), "javac's error: " + dev.output());
      assertEquals("taskloop, edited", name(http), "the last build that compiled still serves");
      assertEquals(starts, count(dev, "listening on"), "and was not restarted");

      Files.writeString(handler, source.replace(NAME, "\"taskloop, fixed\","));
      awaitServed(dev, http, "taskloop, fixed");

      dev.terminate();
      assertEquals(0, dev.awaitExit(60), dev.output());
      assertTrue(dev.output().contains("stopped in "), "a graceful stop: " + dev.output());
      try (var free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, free.getLocalPort(), "nothing listens any more");
      }
    }
  }

  private void copySources() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    for (String each : TREE) {
      try (var paths = Files.walk(root.resolve(each))) {
        for (Path from : (Iterable<Path>) paths::iterator) {
          Path to = tree.resolve(root.relativize(from).toString());
          if (Files.isDirectory(from)) {
            Files.createDirectories(to);
          } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES); // keeps the scripts' x bit
          }
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** GET /'s name, or what stands for none while the service restarts. */
  private static String name(Http http) {
    try {
      return http.get("/").json().path("name").asText();
    } catch (UncheckedIOException e) {
      return "(no answer: " + e.getCause() + ")";
    }
  }

  private static void awaitServed(ServiceProcess dev, Http http, String name)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!name.equals(name(http))) {
      assertTrue(System.nanoTime() < deadline, "not served within 60 s: " + dev.output());
      Thread.sleep(50);
    }
  }

  private static void awaitOutput(ServiceProcess dev, String text, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!dev.output().contains(text)) {
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' in: " + dev.output());
      Thread.sleep(50);
    }
  }

  private static int count(ServiceProcess dev, String text) {
    return (int) dev.output().lines().filter(line -> line.contains(text)).count();
  }
}
