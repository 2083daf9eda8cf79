package dev.taskloop.system.db;

import dev.taskloop.support.TestServer;
import java.util.regex.Pattern;

/** Reads one value out of the service's Prometheus text (what {@code /metrics} serves). */
final class Scrape {
  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)");

  private Scrape() {}

  /**
   * The value of {@code metric} in the series that has every one of {@code labels} ({@code
   * name="value"} pairs), summed over the series that match; NaN when none does.
   */
  static double value(TestServer server, String metric, String... labels) {
    double sum = Double.NaN;
    for (String line : server.app().telemetry().scrape().split("\n")) {
      var matcher = LINE.matcher(line);
      if (line.startsWith("#") || !matcher.matches() || !matcher.group(1).equals(metric)) {
        continue;
      }
      String series = matcher.group(2) == null ? "" : matcher.group(2);
      boolean all = true;
      for (String label : labels) {
        all &= series.contains(label);
      }
      if (all) {
        double value = Double.parseDouble(matcher.group(3));
        sum = Double.isNaN(sum) ? value : sum + value;
      }
    }
    return sum;
  }

  /** {@code pool="name"}. */
  static String pool(String name) {
    return "pool=\"" + name + "\"";
  }
}
