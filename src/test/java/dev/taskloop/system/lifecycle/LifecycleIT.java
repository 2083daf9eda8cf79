package dev.taskloop.system.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.ServiceProcess;
import dev.taskloop.support.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packaged jar as an operator runs it: configuration errors, the startup line, and a graceful
 * SIGTERM that lets an in-flight request finish and exits with 0.
 */
class LifecycleIT {

  @TempDir Path dir;
  private ServiceProcess process;

  @AfterEach
  void kill() {
    if (process != null) {
      process.close();
    }
  }

  private void launch(Map<String, String> env) {
    process = ServiceProcess.start(dir, env);
  }

  /** Waits for the exit and the end of the output; the exit code. */
  private int awaitExit(int seconds) throws InterruptedException {
    return process.awaitExit(seconds);
  }

  private String outputText() {
    return process.output();
  }

  private int awaitPort() throws InterruptedException {
    return process.awaitPort();
  }

  @Test
  void badConfigurationStopsStartupWithOneLine() throws Exception {
    launch(Map.of("DB_POOL_SIZE", "lots"));
    assertEquals(2, awaitExit(30));
    String text = outputText().strip();
    assertEquals(
        "taskloop: configuration error: DB_POOL_SIZE=\"lots\" is invalid: expected an integer from 1 to 500",
        text);
  }

  @Test
  void badDatabaseUrlIsReportedWithPasswordMasked() throws Exception {
    launch(Map.of("DATABASE_URL", "mysql://app:hunter2@db:3306/app"));
    assertEquals(2, awaitExit(30));
    String text = outputText();
    assertTrue(text.contains("DATABASE_URL=\"mysql://app:***@db:3306/app\" is invalid"), text);
    assertFalse(text.contains("hunter2"), text);
    assertEquals(1, text.strip().lines().count(), text);
  }

  @Test
  void unreachableDatabaseFailsStartupWithExitCode1() throws Exception {
    long start = System.nanoTime();
    launch(
        Map.of(
            "DATABASE_URL",
            "postgresql://app:hunter2@127.0.0.1:1/app",
            "DB_CONNECT_TIMEOUT_S",
            "1"));
    assertEquals(1, awaitExit(60));
    long millis = (System.nanoTime() - start) / 1_000_000;
    String text = outputText();
    var failed = text.lines().filter(l -> l.contains("taskloop failed to start")).toList();
    assertEquals(1, failed.size(), text);
    assertTrue(failed.getFirst().contains("(gave up after "), text);
    assertTrue(text.contains("database not reachable yet, attempt 1: "), "retried: " + text);
    assertTrue(millis < 15_000, "exited after " + millis + " ms"); // JVM start included
    assertFalse(text.contains("hunter2"), text);
    assertFalse(text.contains("\tat "), "no stack trace: " + text);
  }

  @Test
  void portInUseFailsStartupWithExitCode1() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      launch(
          Map.of(
              "DATABASE_URL",
              "sqlite:./data/app.db",
              "PORT",
              Integer.toString(taken.getLocalPort())));
      assertEquals(1, awaitExit(60));
    }
    String text = outputText();
    assertTrue(text.contains("taskloop failed to start: cannot listen on 127.0.0.1:"), text);
    assertFalse(text.contains("\tat "), "no stack trace: " + text);
  }

  @Test
  void readinessTurns503BeforeTheListenerCloses() throws Exception {
    launch(Map.of("DATABASE_URL", "sqlite:./data/app.db", "PORT", "0", "SHUTDOWN_DELAY_S", "3"));
    int port = awaitPort();
    var http = new dev.taskloop.support.Http("http://127.0.0.1:" + port);
    assertEquals(200, http.get("/health/ready").status());

    assertEquals(
        0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
    long deadline = System.currentTimeMillis() + 2_000;
    int ready = 200;
    while (ready == 200 && System.currentTimeMillis() < deadline) {
      ready = http.get("/health/ready").status();
    }
    assertEquals(503, ready, "readiness reports the shutdown");
    assertEquals(200, http.get("/health/live").status(), "still serving during the delay");
    assertEquals(0, awaitExit(30));
  }

  @Test
  void sigtermFinishesInFlightRequestsAndExitsZero() throws Exception {
    launch(Map.of("DATABASE_URL", "sqlite:./data/app.db", "PORT", "0", "SHUTDOWN_GRACE_S", "10"));
    int port = awaitPort();
    assertTrue(outputText().contains("database=sqlite"), outputText());
    assertTrue(Files.exists(dir.resolve("data/app.db")), "the SQLite file is created on first run");

    var signUp =
        new dev.taskloop.support.Http("http://127.0.0.1:" + port)
            .post(
                "/users", "{\"email\":\"sigterm@example.com\",\"password\":\"sigterm-password\"}");
    assertEquals(201, signUp.status(), signUp::toString);
    String key = signUp.json().get("api_key").get("key").asText();

    try (Socket inFlight = new Socket("127.0.0.1", port)) {
      String body = "{\"title\":\"in flight\"}";
      OutputStream out = inFlight.getOutputStream();
      out.write(
          ("POST /tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + key
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, 5))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(300); // the server has the request's head: it is in flight

      assertEquals(
          0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
      long deadline = System.currentTimeMillis() + 10_000;
      while (!outputText().contains("shutting down") && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(outputText().contains("shutting down"), outputText());
      boolean refused = false;
      while (!refused && System.currentTimeMillis() < deadline) {
        try {
          new Socket("127.0.0.1", port).close();
          Thread.sleep(50);
        } catch (IOException e) {
          refused = true;
        }
      }
      assertTrue(refused, "no new connections once the listener stopped");

      out.write(body.substring(5).getBytes(StandardCharsets.UTF_8));
      out.flush();
      var reader =
          new BufferedReader(
              new InputStreamReader(inFlight.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 201 Created", reader.readLine(), "the in-flight request completed");
    }

    assertEquals(0, awaitExit(15), outputText());
    assertTrue(outputText().contains("stopped in"), outputText());
  }

  /**
   * 32 keep-alive clients hammer the service when SIGTERM arrives (default settings, no drain
   * delay): every request the server read is answered, each client learns from a {@code Connection:
   * close} that its connection ends, and the process exits 0.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void sigtermUnderKeepAliveLoadAnswersEveryRequest(TestDatabase database) throws Exception {
    try (var db = database.provision()) {
      launch(Map.of("DATABASE_URL", db.url(), "PORT", "0"));
      int port = awaitPort();
      var signUp =
          new dev.taskloop.support.Http("http://127.0.0.1:" + port)
              .post("/users", "{\"email\":\"load@example.com\",\"password\":\"load-password\"}");
      String key = signUp.json().get("api_key").get("key").asText();
      var dropped = new java.util.concurrent.atomic.AtomicInteger();
      var answered = new java.util.concurrent.atomic.AtomicInteger();
      var closedCleanly = new java.util.concurrent.atomic.AtomicInteger();
      var clients = new ArrayList<Thread>();
      for (int i = 0; i < 32; i++) {
        int client = i;
        clients.add( // platform threads: they run at once, whatever else the JVM runs
            Thread.ofPlatform()
                .start(() -> hammer(port, key, client, answered, dropped, closedCleanly)));
      }
      long loaded = System.nanoTime() + 10_000_000_000L; // on a busy machine the clients start late
      while (answered.get() < 64 && dropped.get() == 0 && System.nanoTime() < loaded) {
        Thread.sleep(20);
      }
      Thread.sleep(200);
      assertEquals(
          0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
      for (Thread client : clients) {
        client.join(20_000);
      }
      assertEquals(0, awaitExit(30), outputText());
      assertTrue(
          answered.get() > 32,
          "the load ran: "
              + answered
              + " answered, "
              + dropped
              + " dropped "
              + DROPS
              + "\n"
              + outputText());
      assertEquals(0, dropped.get(), "requests sent but never answered; answered: " + answered);
      assertEquals(32, closedCleanly.get(), "each client was told Connection: close");
    }
  }

  /** One keep-alive client: requests until the server says close (or drops one). */
  private static void hammer(
      int port,
      String key,
      int client,
      java.util.concurrent.atomic.AtomicInteger answered,
      java.util.concurrent.atomic.AtomicInteger dropped,
      java.util.concurrent.atomic.AtomicInteger closedCleanly) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      for (int n = 0; ; n++) {
        String body = "{\"title\":\"c" + client + "-" + n + "\"}";
        String request =
            n % 2 == 0
                ? "GET /tasks?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + key
                    + "\r\n\r\n"
                : "POST /tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body;
        try {
          out.write(request.getBytes(StandardCharsets.UTF_8));
          out.flush();
        } catch (IOException e) {
          dropped.incrementAndGet(); // closed under us without a Connection: close first
          return;
        }
        var response = dev.taskloop.support.RawHttp.read(socket.getInputStream());
        if (response.status() < 0) {
          DROPS.add("request " + n + " of client " + client + ": " + response);
          dropped.incrementAndGet();
          return;
        }
        answered.incrementAndGet();
        if ("close".equals(response.header("connection"))) {
          closedCleanly.incrementAndGet();
          return;
        }
      }
    } catch (IOException e) {
      DROPS.add("client " + client + ": " + e);
      dropped.incrementAndGet();
    }
  }

  /** What the dropped requests saw, for the failure message. */
  private static final java.util.Queue<String> DROPS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
}
