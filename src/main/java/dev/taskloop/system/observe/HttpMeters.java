package dev.taskloop.system.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.vertx.micrometer.Label;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * How Vert.x's HTTP server meters ({@code vertx_http_server_*}) are shaped here: labelled by
 * method, route template and status, never by raw path or by address; the latency histogram has
 * buckets for a service that answers in 1 to 50 ms. Request and response sizes stay summaries
 * (count, sum, max): no histogram nobody reads.
 */
final class HttpMeters {
  /**
   * The labels Vert.x may put on its meters. {@code route} is the template a request matched
   * ({@code /tasks/{id}}, see {@code Routes}), {@code unmatched} when none did (404, 405, malformed
   * requests). Left out on purpose: {@code path} (unbounded, and carries ids), {@code local} and
   * {@code remote} (addresses: unbounded, and personal data).
   */
  static final Set<Label> LABELS =
      EnumSet.of(
          Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME);

  /** The route label of a request that matched no route. */
  static final String UNMATCHED = "unmatched";

  /** Upper bounds of the latency buckets, ms: fine below 50 ms, coarse up to timeouts. */
  static final long[] LATENCY_BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};

  private static final String PREFIX = "vertx.http.server.";
  private static final String RESPONSE_TIME = PREFIX + "response.time";

  private HttpMeters() {}

  /**
   * Adds the filters to {@code registry}; before any meter is registered (a filter applies to the
   * meters registered after it). Filters run once per new meter, not per request: Micrometer caches
   * the filtered meter by its original id.
   */
  static void configure(MeterRegistry registry) {
    registry.config().meterFilter(unmatchedRoute()).meterFilter(latencyBuckets());
  }

  private static MeterFilter unmatchedRoute() {
    MeterFilter replace =
        MeterFilter.replaceTagValues(
            Label.HTTP_ROUTE.toString(), route -> route.isEmpty() ? UNMATCHED : route);
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().startsWith(PREFIX) ? replace.map(id) : id;
      }
    };
  }

  private static MeterFilter latencyBuckets() {
    double[] bounds =
        LongStream.of(LATENCY_BUCKETS_MS)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos())
            .toArray();
    DistributionStatisticConfig buckets =
        DistributionStatisticConfig.builder().serviceLevelObjectives(bounds).build();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals(RESPONSE_TIME) ? buckets.merge(config) : config;
      }
    };
  }
}
