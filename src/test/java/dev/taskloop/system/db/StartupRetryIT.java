package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.Taskloop;
import dev.taskloop.support.FaultProxy;
import dev.taskloop.support.FaultProxy.Mode;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Startup against a database that is not up yet (compose, Kubernetes), through a {@link FaultProxy}
 * in front of the real PostgreSQL: the service waits for it with one INFO line per attempt, gives
 * up after {@code DB_CONNECT_TIMEOUT_S} with one line, and stops at once, with a clear line, where
 * waiting cannot help (a missing database, refused credentials, a SQLite path that cannot be
 * created).
 */
class StartupRetryIT {
  @TempDir Path dir;

  private static List<String> attemptLines(LogCapture log) {
    return log.events().stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.startsWith("database not reachable yet, attempt "))
        .toList();
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** DOWN: connections refused; STARTING_UP: accepted, then FATAL 57P03. */
  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DOWN", "STARTING_UP"})
  void startsOnceTheDatabaseComesUp(Mode notYet) throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      proxy.mode(notYet);
      var started = new CompletableFuture<TestServer>();
      long start = System.nanoTime();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  started.complete(
                      TestServer.start(
                          TestDatabase.POSTGRESQL,
                          Map.of("DB_CONNECT_TIMEOUT_S", "20"),
                          TestServer.viaPort(proxy.port())));
                } catch (Throwable e) {
                  started.completeExceptionally(e);
                }
              });
      Thread.sleep(1500);
      assertFalse(started.isDone(), "still waiting for the database");
      proxy.mode(Mode.PASS);
      try (var server = started.get(30, TimeUnit.SECONDS)) {
        assertTrue(millisSince(start) < 10_000, "started " + millisSince(start) + " ms after");
        assertEquals(200, server.http().get("/tasks?limit=1").status());
      }
      var lines = attemptLines(log);
      assertTrue(lines.size() >= 2, "one line per failed attempt: " + lines);
      assertTrue(
          lines.getFirst().startsWith("database not reachable yet, attempt 1:"), lines::toString);
      assertTrue(lines.getFirst().contains("cannot migrate postgresql://"), lines::toString);
      assertTrue(lines.getFirst().endsWith("; next try in 100 ms"), lines::toString);
    }
  }

  /** The reactive half: the first ping after migrating waits for the database too. */
  @Test
  void theFirstPingWaitsForTheDatabaseToo() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var provisioned = TestDatabase.POSTGRESQL.provision();
        var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      String url = TestServer.viaPort(proxy.port()).apply(provisioned.url());
      var config = AppConfig.fromEnv(TestServer.environment(url, Map.of()));
      var database = Database.open(vertx, config, new CompositeMeterRegistry());
      proxy.mode(Mode.DOWN);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException ignored) {
                  return;
                }
                proxy.mode(Mode.PASS);
              });
      long start = System.nanoTime();
      database.awaitReachable(config, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
      assertTrue(millisSince(start) >= 900, "waited for the database: " + millisSince(start));
      var lines = attemptLines(log);
      assertTrue(lines.size() >= 2, lines::toString);
      assertTrue(lines.getFirst().contains(": cannot connect to postgresql://"), lines::toString);
      database.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void givesUpAfterTheStartupTimeoutWithOneLine() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      String url = "postgresql://postgres@127.0.0.1:" + closedPort + "/taskloop";
      var config =
          AppConfig.fromEnv(TestServer.environment(url, Map.of("DB_CONNECT_TIMEOUT_S", "1")));
      long start = System.nanoTime();
      var failure =
          assertThrows(
              Taskloop.StartupException.class,
              () -> Taskloop.start(config, TestServer.vertxOptions()));
      long millis = millisSince(start);
      assertTrue(millis >= 900 && millis < 2500, "gave up after " + millis + " ms");
      String message = failure.getMessage();
      assertTrue(message.startsWith("cannot migrate postgresql://postgres@127.0.0.1:"), message);
      assertTrue(message.contains("Connection refused"), message);
      assertTrue(message.contains("(gave up after "), message);
      assertFalse(message.contains("\n"), "one line: " + message);
      assertTrue(attemptLines(log).size() >= 3, log.text());
    }
  }

  @Test
  void aMissingDatabaseFailsAtOnceSuggestingCreatedb() {
    try (var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      long start = System.nanoTime();
      var failure =
          assertThrows(
              Taskloop.StartupException.class,
              () ->
                  TestServer.start(
                      TestDatabase.POSTGRESQL,
                      Map.of(), // DB_CONNECT_TIMEOUT_S stays 30: not waited for
                      url -> url.replaceFirst("/[^/]+$", "/taskloop_missing")));
      assertTrue(millisSince(start) < 5000, "at once: " + millisSince(start) + " ms");
      assertEquals(
          "cannot migrate postgresql://postgres@127.0.0.1:5432/taskloop_missing: database"
              + " \"taskloop_missing\" does not exist on 127.0.0.1:5432; create it with: createdb"
              + " -h 127.0.0.1 -p 5432 -U postgres taskloop_missing",
          failure.getMessage());
      assertEquals(List.of(), attemptLines(log), "no retry");
    }
  }

  @Test
  void refusedCredentialsFailAtOnce() {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      proxy.mode(Mode.WRONG_PASSWORD);
      long start = System.nanoTime();
      var failure =
          assertThrows(
              Taskloop.StartupException.class,
              () ->
                  TestServer.start(
                      TestDatabase.POSTGRESQL, Map.of(), TestServer.viaPort(proxy.port())));
      assertTrue(millisSince(start) < 5000, "at once: " + millisSince(start) + " ms");
      assertTrue(
          failure
              .getMessage()
              .endsWith(
                  ": PostgreSQL refused user \"postgres\" (wrong password):"
                      + " check the user and password in DATABASE_URL"),
          failure::getMessage);
      assertEquals(List.of(), attemptLines(log), "no retry");
    }
  }

  @Test
  void aSqlitePathThatCannotBeCreatedFailsAtOnceWithOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    try (var log = new LogCapture(StartupRetry.class.getName(), Level.INFO)) {
      var config =
          AppConfig.fromEnv(
              TestServer.environment("sqlite:" + file.resolve("taskloop.db"), Map.of()));
      var failure =
          assertThrows(
              Taskloop.StartupException.class,
              () -> Taskloop.start(config, TestServer.vertxOptions()));
      String message = failure.getMessage();
      assertTrue(message.startsWith("cannot create directory " + file), message);
      assertFalse(message.contains("\n"), "one line: " + message);
      assertEquals(List.of(), attemptLines(log), "a file does not come up later");
    }
  }
}
