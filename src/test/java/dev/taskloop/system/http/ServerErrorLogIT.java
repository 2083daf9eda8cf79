package dev.taskloop.system.http;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.Http;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every 5xx is logged the same way, whatever raised it: a 503 that a full worker pool raises as an
 * ApiException like one from the database, one WARN per cause with the request id and no stack
 * trace, at most one line per cause a second, the next line counting what was skipped.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ServerErrorLogIT {
  /** One report at a time, none queued, each long enough to keep the worker busy. */
  private static final Map<String, String> ONE_REPORT =
      Map.of("REPORT_WORKERS", "1", "REPORT_QUEUE", "0", "REPORT_SIMULATED_LATENCY_MS", "4000");

  @Parameter TestDatabase database;

  @Test
  void aFullReportPoolIsOneWarnWithTheRequestIdAndNoStackTrace() throws Exception {
    try (var server = TestServer.start(database, ONE_REPORT);
        var log = new LogCapture(Problems.class.getName(), Level.DEBUG)) {
      var running = occupyTheReportWorker(server.http());
      var busy = server.http().withHeader("X-Request-Id", "busy-1").get("/reports/summary");
      assertProblem(busy, 503, "service-unavailable");

      List<ILoggingEvent> warnings = warnings(log);
      assertEquals(1, warnings.size(), log::text);
      ILoggingEvent warning = warnings.getFirst();
      String message = warning.getFormattedMessage();
      assertTrue(message.startsWith("request busy-1 GET /reports/summary -> 503: "), message);
      assertTrue(message.contains("All report workers are busy"), message);
      assertEquals("busy-1", warning.getMDCPropertyMap().get("requestId"));
      assertNull(warning.getThrowableProxy(), "no stack trace for a 503");
      assertEquals(200, running.get().status());
    }
  }

  @Test
  void aBurstOfOneCauseIsOneLineASecondAndTheNextCountsTheRest() throws Exception {
    try (var server = TestServer.start(database, ONE_REPORT);
        var log = new LogCapture(Problems.class.getName(), Level.WARN)) {
      var running = occupyTheReportWorker(server.http());
      long start = System.nanoTime();
      for (int i = 0; i < 30; i++) {
        var busy = server.http().withHeader("X-Request-Id", "burst-" + i).get("/reports/summary");
        assertEquals(503, busy.status());
      }
      long burstMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(burstMillis < ServerErrors.PERIOD_MILLIS, "burst took " + burstMillis + " ms");
      // Another cause in the same second has its own line: the database is gone.
      server.app().database().close().await();
      assertEquals(503, server.http().withHeader("X-Request-Id", "db-1").get("/tasks").status());
      assertEquals(503, server.http().get("/tasks").status());

      var lines = warnings(log).stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(2, lines.size(), log::text);
      assertTrue(
          lines.get(0).startsWith("request burst-0 GET /reports/summary -> 503"), lines::toString);
      assertTrue(
          lines.get(1).startsWith("request db-1 GET /tasks -> 503: database"), lines::toString);

      Thread.sleep(ServerErrors.PERIOD_MILLIS - burstMillis + 100);
      var after = server.http().withHeader("X-Request-Id", "after").get("/reports/summary");
      assertEquals(503, after.status());
      lines = warnings(log).stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(3, lines.size(), log::text);
      assertTrue(
          lines.get(2).startsWith("request after GET /reports/summary -> 503"), lines::toString);
      assertTrue(lines.get(2).contains("(29 more like it in the last "), lines.get(2));
      running.get();
    }
  }

  /** Starts a report that keeps the only report worker busy; returns once it is running. */
  private static CompletableFuture<Http.Response> occupyTheReportWorker(Http http)
      throws InterruptedException {
    var running = CompletableFuture.supplyAsync(() -> http.get("/reports/summary"));
    Thread.sleep(500);
    return running;
  }

  private static List<ILoggingEvent> warnings(LogCapture log) {
    return log.events().stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }
}
