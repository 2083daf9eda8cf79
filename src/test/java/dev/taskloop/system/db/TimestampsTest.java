package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every form a text timestamp column may hold, whoever wrote it. */
class TimestampsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-01-02T03:04:05.123456|2026-01-02T03:04:05.123456Z", // what the service writes
        "2026-01-02T03:04:05.001Z|2026-01-02T03:04:05.001Z", // the sqlite3 shell, strftime
        "2026-01-02 03:04:05|2026-01-02T03:04:05Z", // datetime('now')
        "2026-01-02 03:04|2026-01-02T03:04:00Z",
        "2026-01-02T05:04:05+02:00|2026-01-02T03:04:05Z",
        "2026-01-02T05:04:05+0200|2026-01-02T03:04:05Z",
        "2026-01-02T05:04:05+02|2026-01-02T03:04:05Z",
        "2026-01-02t03:04:05.5z|2026-01-02T03:04:05.500Z",
        "2026-01-02T03:04:05.123456789Z|2026-01-02T03:04:05.123456789Z",
        "2026-01-02|2026-01-02T00:00:00Z",
        "2026-01-02 03:04:05.7|2026-01-02T03:04:05.700Z",
        "2026-01-02T03:04:05Z|2026-01-02T03:04:05Z",
        " 2026-01-02T03:04:05.000001 |2026-01-02T03:04:05.000001Z",
        "1767323045000|2026-01-02T03:04:05Z" // sqlite-jdbc's epoch milliseconds
      })
  void readsEveryForm(String stored, String expected) {
    assertEquals(Instant.parse(expected), Timestamps.parse(stored));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "2026-13-02",
        "2026-01-02T25:00",
        "2026-01-02T03:04:05Zjunk",
        "2026-01-02T03:04:0x",
        "2026-01-02T03:60:05"
      })
  void refusesWhatIsNoTimestamp(String stored) {
    assertThrows(DateTimeParseException.class, () -> Timestamps.parse(stored));
  }
}
