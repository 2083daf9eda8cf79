package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL only: the startup line of this instance's share of {@code max_connections}, a WARN
 * when it would not fit, and the LISTEN connection's gauge.
 */
class ConnectionBudgetIT {
  private static ILoggingEvent budgetLine(LogCapture log) {
    return log.events().stream()
        .filter(e -> e.getFormattedMessage().startsWith("connection budget"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no budget line in: " + log.text()));
  }

  @Test
  void startupStatesThisInstancesShareOfTheServersConnections() {
    try (var log = new LogCapture(ConnectionBudget.class.getName(), Level.INFO);
        var server = TestServer.start(TestDatabase.POSTGRESQL, Map.of("DB_POOL_SIZE", "6"))) {
      ILoggingEvent line = budgetLine(log);
      assertEquals(Level.INFO, line.getLevel(), line.getFormattedMessage());
      assertTrue(
          line.getFormattedMessage()
              .startsWith("connection budget: this instance opens up to 12 (DB_POOL_SIZE 6 +"),
          line.getFormattedMessage());
      assertTrue(line.getFormattedMessage().contains("the server allows "));
      double connected =
          Scrape.until(server.anonymous(), s -> s.value("taskloop_notifications_connected") == 1)
              .value("taskloop_notifications_connected");
      assertEquals(1.0, connected, "the LISTEN connection is up");
    }
  }

  @Test
  void aPoolLargerThanWhatIsFreeIsAWarning() {
    try (var log = new LogCapture(ConnectionBudget.class.getName(), Level.INFO);
        var server = TestServer.start(TestDatabase.POSTGRESQL, Map.of("DB_POOL_SIZE", "500"))) {
      ILoggingEvent line = budgetLine(log);
      assertEquals(Level.WARN, line.getLevel(), line.getFormattedMessage());
      assertTrue(
          line.getFormattedMessage()
              .endsWith("too few; lower DB_POOL_SIZE or raise max_connections"),
          line.getFormattedMessage());
    }
  }
}
