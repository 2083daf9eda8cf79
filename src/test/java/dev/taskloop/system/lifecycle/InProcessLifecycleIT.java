package dev.taskloop.system.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.Taskloop;
import dev.taskloop.support.BlockedThreadWatch;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.vertx.sqlclient.SqlClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Start and stop in this JVM ({@code Taskloop.start}, then {@code shutdown}; or a start that fails
 * at its last step): nothing the service started keeps running, and its database clients refuse
 * work. A thread counts as the service's when it started while the service ran; the JDK's and the
 * test client's daemon threads are not checked, but the service's own daemon workers are: they
 * cannot keep the JVM alive, yet hold threads and connections until closed.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class InProcessLifecycleIT {
  /** Threads end a little after their pools close (event loops finish their last task first). */
  private static final long SETTLE_MILLIS = 10_000;

  /** The service's daemon workers: ReportPool's and the SQLite statement timer's threads. */
  private static final String REPORT_WORKER = "report-";

  private static final String SQLITE_TIMER = "sqlite-statement-timeout";

  @Parameter TestDatabase database;

  @Test
  void shutdownEndsEveryThreadAndPoolThatStartupOpened() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (var server = TestServer.start(database)) { // close() drops the database: check before
      // Every kind of worker runs: password hashing (the sign-up at start), reports, exports.
      assertEquals(200, server.http().get("/reports/summary").status());
      assertEquals(200, server.http().get("/tasks/export").status());
      List<Thread> started = startedSince(before);
      // Daemon workers are watched by name: they ran under it, so a rename cannot hide a leak.
      assertTrue(anyNamed(started, REPORT_WORKER), () -> "report workers: " + describe(started));
      if (database == TestDatabase.SQLITE) {
        assertTrue(anyNamed(started, SQLITE_TIMER), () -> "SQLite timer: " + describe(started));
      }

      server.app().shutdown();

      assertRefuses(server.app().database().writes());
      assertRefuses(server.app().database().reads());
      assertEquals(List.of(), stillRunning(started), "threads still running after shutdown");
    }
  }

  @Test
  void failedStartupEndsEveryThreadItStarted() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var port = Map.of("PORT", Integer.toString(taken.getLocalPort()));
      int mark = BlockedThreadWatch.mark();
      var failure =
          assertThrows(Taskloop.StartupException.class, () -> TestServer.start(database, port));
      assertTrue(failure.getMessage().startsWith("cannot listen on"), failure::getMessage);
      // As TestServer does for a start that succeeds: the first deployment's class loading on an
      // event loop may pass the blocked-thread limit on a loaded machine; this one never served.
      BlockedThreadWatch.forgetSince(mark);
    }

    assertEquals(
        List.of(),
        stillRunning(startedSince(before)),
        "threads still running after a failed start");
  }

  private static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).toList();
  }

  /** Of {@code started}, the service's threads that are alive once the settle time is up. */
  private static List<String> stillRunning(List<Thread> started) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
    List<Thread> alive;
    do {
      alive =
          started.stream()
              .filter(Thread::isAlive)
              .filter(t -> !t.isDaemon() || anyNamed(List.of(t), REPORT_WORKER, SQLITE_TIMER))
              .toList();
      if (!alive.isEmpty()) {
        Thread.sleep(100);
      }
    } while (!alive.isEmpty() && System.nanoTime() < deadline);
    return describe(alive);
  }

  private static boolean anyNamed(List<Thread> threads, String... prefixes) {
    return threads.stream()
        .anyMatch(t -> List.of(prefixes).stream().anyMatch(t.getName()::startsWith));
  }

  private static List<String> describe(List<Thread> threads) {
    return threads.stream()
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .sorted()
        .toList();
  }

  /** A closed client refuses a statement (at once, or by failing it) instead of running it. */
  private static void assertRefuses(SqlClient client) throws Exception {
    Throwable refused;
    try {
      refused =
          client
              .query("SELECT 1")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .handle((rows, failure) -> failure)
              .get(5, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) { // Vert.x is closed: nothing runs on it any more
      refused = e;
    }
    assertNotNull(refused, "a closed client runs no statement");
  }
}
