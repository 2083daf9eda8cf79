package dev.taskloop.system.db;

import dev.taskloop.support.TestServer;
import java.util.ArrayList;

/**
 * Reads one value out of the service's Prometheus text (what {@code /metrics} serves), straight
 * from the server's registry: the database tests' shorthand over {@link
 * dev.taskloop.support.Scrape}'s parser, with labels written as in the exposition ({@code
 * pool="writes"}).
 */
final class Scrape {
  private Scrape() {}

  /**
   * The value of {@code metric} in the series that have every one of {@code labels} ({@code
   * name="value"}), summed over the series that match; NaN when none does.
   */
  static double value(TestServer server, String metric, String... labels) {
    var pairs = new ArrayList<String>();
    for (String label : labels) {
      int eq = label.indexOf('=');
      pairs.add(label.substring(0, eq));
      pairs.add(label.substring(eq + 2, label.length() - 1)); // inside the quotes
    }
    var samples =
        new dev.taskloop.support.Scrape(server.app().telemetry().scrape())
            .samples(metric, pairs.toArray(String[]::new));
    return samples.isEmpty()
        ? Double.NaN
        : samples.stream().mapToDouble(dev.taskloop.support.Scrape.Sample::value).sum();
  }

  /** {@code pool="name"}. */
  static String pool(String name) {
    return "pool=\"" + name + "\"";
  }
}
