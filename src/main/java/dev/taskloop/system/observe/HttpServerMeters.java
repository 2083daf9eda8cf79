package dev.taskloop.system.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The API's HTTP meters, with the names and labels of vertx-micrometer-metrics ({@code
 * vertx_http_server_*}), recorded once per request from the router's end of the exchange (see
 * {@code AccessLog}) instead of through Vert.x's metrics SPI. Given an {@code HttpServerMetrics},
 * Vert.x's HTTP server calls it four to six times per request and per flushed buffer; with the same
 * meters recorded from here GET one's throughput cost fell from 10-15 % to 1 %, within the noise
 * (docs/benchmarks.md, "issue 9"). A request's meters are found by route, method and status in a
 * few comparisons, and no tag object is made per request.
 *
 * <p>By {@code method,route,code}: {@code requests}, {@code response.time} (buckets {@link
 * #LATENCY_BUCKETS_MS}), {@code response.bytes}. By {@code method}: {@code active.requests}, {@code
 * request.bytes}, {@code request.resets} (the client closed before the response ended). {@code
 * route} is the template the request matched ({@code /tasks/{id}}), {@link #UNMATCHED} when none
 * did; never the raw path. {@code method} is one of {@link #METHODS} or {@code OTHER}, so a made-up
 * method cannot add series. One instance serves every API listener of a process; it is thread-safe.
 * The management listener's own requests (scrapes) are not counted.
 */
public final class HttpServerMeters {
  /** Upper bounds of the latency buckets, ms: fine below 50 ms, coarse up to timeouts. */
  static final long[] LATENCY_BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};

  /** The route label of a request that matched no route (404, 405, malformed requests). */
  public static final String UNMATCHED = "unmatched";

  static final List<HttpMethod> METHODS =
      Stream.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
          .map(HttpMethod::valueOf) // the constants
          .toList();

  private static final String PREFIX = "vertx.http.server.";
  private static final Duration[] BUCKETS =
      LongStream.of(LATENCY_BUCKETS_MS).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final boolean on;
  private final MethodMeters[] methods = new MethodMeters[METHODS.size() + 1]; // + OTHER
  private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    this.on = Telemetry.records(registry);
    for (int i = 0; i < methods.length; i++) {
      methods[i] = new MethodMeters(i, i == METHODS.size() ? "OTHER" : METHODS.get(i).name());
    }
  }

  /** False with {@code METRICS_ENABLED=false}: then nothing need be called per request. */
  public boolean on() {
    return on;
  }

  /** One request's measurements, from {@link #begin} to {@link #end} or {@link #reset}. */
  public static final class Request {
    private final MethodMeters method;
    private final long startNanos = System.nanoTime();
    private boolean over;

    private Request(MethodMeters method) {
      this.method = method;
    }
  }

  /** A request arrived: it counts as in flight until {@link #end} or {@link #reset}. */
  public Request begin(HttpMethod method) {
    var meters = methods[index(method)];
    meters.active.increment();
    return new Request(meters);
  }

  /**
   * Its response ended: {@code route} is the template ({@code null} when none matched), the bytes
   * are the bodies' (request as read, response as written).
   */
  public void end(Request request, String route, int status, long bytesRead, long bytesWritten) {
    if (!over(request)) {
      return;
    }
    request.method.requestBytes.record(bytesRead);
    String label = route == null ? UNMATCHED : route;
    RouteMeters meters = routes.get(label);
    if (meters == null) {
      meters = routes.computeIfAbsent(label, RouteMeters::new);
    }
    Outcome outcome = meters.of(request.method, status);
    outcome.requests.increment();
    outcome.time.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
    outcome.bytes.record(bytesWritten);
  }

  /** The client closed the connection before the response ended. */
  public void reset(Request request) {
    if (over(request)) {
      request.method.resets.increment();
    }
  }

  private static boolean over(Request request) {
    if (request.over) {
      return false;
    }
    request.over = true;
    request.method.active.decrement();
    return true;
  }

  private static int index(HttpMethod method) {
    int known = METHODS.indexOf(method); // seven equals(), the first is an identity check
    return known < 0 ? METHODS.size() : known;
  }

  /** The meters of one method label. */
  private final class MethodMeters {
    final String name;
    final int index;
    final LongAdder active = new LongAdder();
    final DistributionSummary requestBytes;
    final Counter resets;

    MethodMeters(int index, String name) {
      this.name = name;
      this.index = index;
      Gauge.builder(PREFIX + "active.requests", active, LongAdder::doubleValue)
          .description("Requests being processed")
          .tag("method", name)
          .strongReference(true)
          .register(registry);
      requestBytes =
          DistributionSummary.builder(PREFIX + "request.bytes")
              .description("Size of request bodies in bytes")
              .tag("method", name)
              .register(registry);
      resets =
          Counter.builder(PREFIX + "request.resets")
              .description("Requests reset by the client")
              .tag("method", name)
              .register(registry);
    }
  }

  /** A route's meters, one {@link Outcome} per method and status seen: copy on write. */
  private final class RouteMeters {
    private final String route;
    private volatile Outcome[] outcomes = new Outcome[0];

    RouteMeters(String route) {
      this.route = route;
    }

    Outcome of(MethodMeters method, int status) {
      int key = method.index * 1000 + Math.floorMod(status, 1000);
      for (Outcome outcome : outcomes) {
        if (outcome.key == key) {
          return outcome;
        }
      }
      return add(key, method, status);
    }

    private synchronized Outcome add(int key, MethodMeters method, int status) {
      for (Outcome outcome : outcomes) {
        if (outcome.key == key) {
          return outcome;
        }
      }
      var added = new Outcome(key, route, method.name, Integer.toString(status));
      Outcome[] more = Arrays.copyOf(outcomes, outcomes.length + 1);
      more[outcomes.length] = added;
      outcomes = more;
      return added;
    }
  }

  /** The meters of one route, method and status. */
  private final class Outcome {
    final int key;
    final Counter requests;
    final Timer time;
    final DistributionSummary bytes;

    Outcome(int key, String route, String method, String code) {
      this.key = key;
      String[] tags = {"method", method, "route", route, "code", code};
      requests =
          Counter.builder(PREFIX + "requests")
              .description("Requests answered")
              .tags(tags)
              .register(registry);
      time =
          Timer.builder(PREFIX + "response.time")
              .description("Time from the request's arrival to the end of its response")
              .tags(tags)
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      bytes =
          DistributionSummary.builder(PREFIX + "response.bytes")
              .description("Size of response bodies in bytes")
              .tags(tags)
              .register(registry);
    }
  }
}
