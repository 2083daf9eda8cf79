package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.taskloop.support.BlockedThreadWatch;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The event loops' meters: each loop's timer lateness, and the blocked-thread warnings. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class EventLoopMetersIT extends SharedServer {
  private static final String DELAY = "taskloop_event_loop_delay_seconds";
  private static final String WARNINGS = "taskloop_blocked_thread_warnings_total";

  @Test
  void everyEventLoopReportsHowLateItsTimerRuns() throws Exception {
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors()); // as Taskloop
    var first = Scrape.until(http, s -> s.samples(DELAY + "_count").size() == loops);
    var names = new HashSet<String>();
    first.samples(DELAY + "_count").forEach(s -> names.add(s.labels().get("loop")));
    assertEquals(loops, names.size(), "one series per loop: " + names);
    Thread.sleep(600); // about 6 ticks of 100 ms
    var later = Scrape.of(http);
    for (String loop : names) {
      assertTrue(loop.startsWith("vert.x-eventloop-thread-"), loop);
      double ticks = later.value(DELAY + "_count", "loop", loop);
      double before = first.value(DELAY + "_count", "loop", loop);
      assertTrue(ticks >= before + 3, loop + " ticked " + (ticks - before) + " times in 600 ms");
    }
  }

  @Test
  void aBlockedEventLoopIsCountedAndShowsAsDelay() throws Exception {
    int mark = BlockedThreadWatch.mark();
    try (var log = new LogCapture(BlockedThreadChecker.LOGGER_NAME, Level.WARN)) {
      var before = Scrape.of(http);
      var blocked = new CompletableFuture<String>();
      server
          .app()
          .vertx()
          .runOnContext(
              v -> {
                blocked.complete(Thread.currentThread().getName());
                sleep(600); // the test server's limit is 200 ms
              });
      String loop = blocked.get(5, TimeUnit.SECONDS);
      String[] thread = {"thread", loop};
      var after =
          Scrape.until(
              http,
              s ->
                  s.value(WARNINGS, thread) > before.value(WARNINGS, thread)
                      && s.value(DELAY + "_max", "loop", loop) >= 0.3);
      assertTrue(after.value(WARNINGS, thread) > before.value(WARNINGS, thread), after::text);
      assertTrue(after.value(DELAY + "_max", "loop", loop) >= 0.3, "the tick ran late");
      assertTrue(
          log.text().contains("Thread " + loop + " has been blocked for"),
          "Vert.x's own warning is still logged: " + log.text());
      Thread.sleep(100); // a check that was under way as the loop came free has logged by now
    } finally {
      BlockedThreadWatch.forgetSince(mark); // blocked on purpose
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
