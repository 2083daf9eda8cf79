package dev.taskloop.system.db;

import static dev.taskloop.system.db.Scrape.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.Http;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection held longer than {@code DB_LEAK_THRESHOLD_MS} (a statement, a transaction, an export
 * stream) is warned about once, with its request id, route and age, and counted; when it comes
 * back, one INFO line says after how long.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class LeakDetectionIT {
  private static final String LEAKS = "taskloop_db_pool_leak_warnings_total";
  private static final Pattern AGE = Pattern.compile("(?:held for|returned after) (\\d+) ms");
  private static final Map<String, String> ENV =
      Map.of(
          "DB_LEAK_THRESHOLD_MS", "200",
          "DB_LOCK_TIMEOUT_MS", "5000",
          "DB_STATEMENT_TIMEOUT_MS", "10000");

  @Parameter TestDatabase database;

  @Test
  void aStatementHeldTooLongIsWarnedOnceAndItsReturnIsLogged() throws Exception {
    try (var server = TestServer.start(database, ENV);
        var log = new LogCapture(LeakWatch.class.getName(), Level.INFO)) {
      long id = server.http().post("/tasks", "{\"title\":\"slow\"}").json().get("id").asLong();
      var response = new AtomicReference<Http.Response>();
      try (Connection lock = Holds.holdTaskRow(server, id)) {
        Thread patch =
            Thread.ofVirtual()
                .start(
                    () ->
                        response.set(
                            server
                                .http()
                                .withHeader("X-Request-Id", "leak-statement-1")
                                .patch("/tasks/" + id, "{\"title\":\"waits\"}")));
        ILoggingEvent warn = await(log, Level.WARN, "leak-statement-1");
        String line = warn.getFormattedMessage();
        assertTrue(
            line.startsWith("statement TaskRepository.update on pool " + writesPool()), line);
        assertTrue(line.contains("route /tasks/{id}"), line);
        assertTrue(age(line) >= 200, line);
        assertEquals("leak-statement-1", warn.getMDCPropertyMap().get("requestId"), "in the MDC");
        Thread.sleep(400); // several more looks: still one warning for this checkout
        assertEquals(1, lines(log, Level.WARN, "leak-statement-1").size(), log::text);
        assertEquals(0, lines(log, Level.INFO, "leak-statement-1").size(), log::text);
        assertEquals(1, Scrape.value(server, LEAKS, pool(writesPool())));
        lock.rollback();
        patch.join();
        assertEquals(200, response.get().status(), response.get()::toString);
        String info = await(log, Level.INFO, "leak-statement-1").getFormattedMessage();
        assertTrue(info.contains("returned after"), info);
        assertTrue(age(info) >= age(line) + 400, info + " after " + line);
      }
      assertEquals(1, Scrape.value(server, LEAKS, pool(writesPool())), "counted once");
    }
  }

  @Test
  void aTransactionHeldTooLongIsWarned() throws Exception {
    try (var server = TestServer.start(database, ENV);
        var log = new LogCapture(LeakWatch.class.getName(), Level.INFO)) {
      long category =
          server.http().post("/categories", "{\"name\":\"Held\"}").json().get("id").asLong();
      long item =
          server
              .http()
              .post("/items", "{\"category_id\":" + category + ",\"name\":\"Pen\",\"price\":\"1\"}")
              .json()
              .get("id")
              .asLong();
      try (Connection lock = Holds.holdItemRow(server, item)) {
        Thread patch =
            Thread.ofVirtual()
                .start(
                    () ->
                        server
                            .http()
                            .withHeader("X-Request-Id", "leak-transaction-1")
                            .patch("/items/" + item, "{\"name\":\"Ink\"}"));
        String line = await(log, Level.WARN, "leak-transaction-1").getFormattedMessage();
        assertTrue(line.startsWith("transaction on pool " + transactionsPool()), line);
        assertTrue(line.contains("route /items/{id}"), line);
        lock.rollback();
        patch.join();
      }
      assertTrue(
          await(log, Level.INFO, "leak-transaction-1")
              .getFormattedMessage()
              .contains("returned after"));
      assertEquals(1, Scrape.value(server, LEAKS, pool(transactionsPool())));
    }
  }

  @Test
  void anExportNotReadIsWarnedAndItsEndIsLogged() throws Exception {
    try (var server = TestServer.start(database, ENV);
        var log = new LogCapture(LeakWatch.class.getName(), Level.INFO)) {
      Holds.seedTasks(server, 30_000);
      try (var export = Holds.stalledExport(server, "leak-export-1")) {
        String line = await(log, Level.WARN, "leak-export-1").getFormattedMessage();
        assertTrue(line.startsWith("export stream on pool exports"), line);
        assertTrue(line.contains("route /tasks/export"), line);
        assertEquals(1, Scrape.value(server, LEAKS, pool("exports")));
      } // the client goes away: the export ends and returns its connection
      String info = await(log, Level.INFO, "leak-export-1").getFormattedMessage();
      assertTrue(info.startsWith("export stream on pool exports returned after"), info);
    }
  }

  @Test
  void aThresholdOfZeroWarnsAboutNothing() throws Exception {
    var env = new HashMap<>(ENV);
    env.put("DB_LEAK_THRESHOLD_MS", "0");
    try (var server = TestServer.start(database, env);
        var log = new LogCapture(LeakWatch.class.getName(), Level.INFO)) {
      long id = server.http().post("/tasks", "{\"title\":\"slow\"}").json().get("id").asLong();
      try (Connection lock = Holds.holdTaskRow(server, id)) {
        Thread patch =
            Thread.ofVirtual()
                .start(() -> server.http().patch("/tasks/" + id, "{\"title\":\"waits\"}"));
        Thread.sleep(600);
        lock.rollback();
        patch.join();
      }
      assertEquals("", log.text());
      assertEquals(0, Scrape.value(server, LEAKS, pool(writesPool())));
    }
  }

  /** Where single writes run, on both databases. */
  private static String writesPool() {
    return "writes";
  }

  /** Where transactions run: SQLite's JDBC pool, PostgreSQL's plain pool. */
  private String transactionsPool() {
    return database == TestDatabase.SQLITE ? "transactions" : "writes";
  }

  /** The first line at {@code level} that names {@code requestId}, waiting up to 5 s for it. */
  private static ILoggingEvent await(LogCapture log, Level level, String requestId)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      var found = lines(log, level, requestId);
      if (!found.isEmpty()) {
        return found.getFirst();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + level + " line for " + requestId + ":\n" + log.text());
  }

  private static List<ILoggingEvent> lines(LogCapture log, Level level, String requestId) {
    return log.events().stream()
        .filter(e -> e.getLevel() == level)
        .filter(e -> e.getFormattedMessage().contains("request " + requestId + " "))
        .toList();
  }

  private static long age(String line) {
    var matcher = AGE.matcher(line);
    assertTrue(matcher.find(), line);
    return Long.parseLong(matcher.group(1));
  }
}
