package dev.taskloop.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code GET /metrics} answer, parsed: every sample line ({@code name{labels} value}) as a
 * {@link Sample}. Meters are recorded when a response ends, which can be a moment after the client
 * has read it: {@link #until} waits for a value instead of racing it.
 */
public final class Scrape {
  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  public Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      var labels = new LinkedHashMap<String, String>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
  }

  /** Scrapes {@code http} (which must answer 200 in the Prometheus text format). */
  public static Scrape of(Http http) {
    var response = http.get("/metrics");
    assertEquals(200, response.status(), response::toString);
    assertTrue(
        response.contentType().startsWith("text/plain; version=0.0.4"), response.contentType());
    return new Scrape(response.body());
  }

  /** Scrapes until {@code condition} holds (at most 5 s); the last scrape either way. */
  public static Scrape until(Http http, Predicate<Scrape> condition) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Scrape scrape = of(http);
    while (!condition.test(scrape) && System.nanoTime() < deadline) {
      sleep(50);
      scrape = of(http);
    }
    return scrape;
  }

  /** The raw text. */
  public String text() {
    return text;
  }

  /** The samples called {@code name} whose labels include every {@code label, value} pair. */
  public List<Sample> samples(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && matches(s.labels(), labels))
        .toList();
  }

  /** The sum of those samples; 0 when there is none (a counter not yet incremented). */
  public double value(String name, String... labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  private static boolean matches(Map<String, String> have, String... wanted) {
    for (int i = 0; i < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(have.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
