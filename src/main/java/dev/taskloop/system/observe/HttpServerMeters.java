package dev.taskloop.system.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The HTTP servers' meters, with the names and labels of vertx-micrometer-metrics ({@code
 * vertx_http_server_*}) but cheap per request: a request's meters are found by route, method and
 * status in a few comparisons, and no tag object is made per request. The library's own
 * implementation merges tags and looks meters up in the registry five times per request: about 8 %
 * of the event loops' Java samples under GET load (JFR), more than the metrics' whole budget.
 *
 * <p>By {@code method,route,code}: {@code requests}, {@code response.time} (buckets {@link
 * #LATENCY_BUCKETS_MS}), {@code response.bytes}. By {@code method}: {@code active.requests}, {@code
 * request.bytes}, {@code request.resets}. And {@code active.connections}, {@code bytes.read},
 * {@code bytes.written}. {@code route} is the template the request matched ({@code /tasks/{id}}),
 * {@link #UNMATCHED} when none did; never the raw path. {@code method} is one of {@link #METHODS}
 * or {@code OTHER}, so a made-up method cannot add series. One instance serves every HTTP server of
 * a {@code Vertx}; its methods run on the event loops (a request's always on its connection's
 * loop).
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Request, Void, Void> {
  /** Upper bounds of the latency buckets, ms: fine below 50 ms, coarse up to timeouts. */
  static final long[] LATENCY_BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};

  /** The route label of a request that matched no route (404, 405, malformed requests). */
  static final String UNMATCHED = "unmatched";

  static final List<HttpMethod> METHODS =
      Stream.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
          .map(HttpMethod::valueOf) // the constants
          .toList();

  private static final String PREFIX = "vertx.http.server.";
  private static final Duration[] BUCKETS =
      LongStream.of(LATENCY_BUCKETS_MS).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final MethodMeters[] methods = new MethodMeters[METHODS.size() + 1]; // + OTHER
  private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
  private final LongAdder connections = new LongAdder();
  private final Counter bytesRead;
  private final Counter bytesWritten;

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    for (int i = 0; i < methods.length; i++) {
      methods[i] = new MethodMeters(i, i == METHODS.size() ? "OTHER" : METHODS.get(i).name());
    }
    Gauge.builder(PREFIX + "active.connections", connections, LongAdder::doubleValue)
        .description("Connections open to the HTTP servers")
        .strongReference(true)
        .register(registry);
    bytesRead = Counter.builder(PREFIX + "bytes.read").register(registry);
    bytesWritten = Counter.builder(PREFIX + "bytes.written").register(registry);
  }

  /** One request's measurements; touched on its connection's event loop only. */
  static final class Request {
    private final MethodMeters method;
    private final long startNanos = System.nanoTime();
    private String route;
    private boolean over;

    private Request(MethodMeters method) {
      this.method = method;
    }
  }

  @Override
  public Request requestBegin(Void socket, HttpRequest request) {
    var meters = methods[index(request.method())];
    meters.active.increment();
    return new Request(meters);
  }

  @Override
  public void requestRouted(Request request, String route) {
    if (request.route == null) { // the first named route: the endpoint's
      request.route = route;
    }
  }

  @Override
  public void requestEnd(Request request, HttpRequest http, long bytesRead) {
    request.method.requestBytes.record(bytesRead);
  }

  @Override
  public void requestReset(Request request) {
    request.method.resets.increment();
    over(request);
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    String route = request.route == null ? UNMATCHED : request.route;
    RouteMeters meters = routes.get(route);
    if (meters == null) {
      meters = routes.computeIfAbsent(route, RouteMeters::new);
    }
    Outcome outcome = meters.of(request.method, response.statusCode());
    outcome.requests.increment();
    outcome.time.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
    outcome.bytes.record(bytesWritten);
    over(request);
  }

  private static void over(Request request) {
    if (!request.over) {
      request.over = true;
      request.method.active.decrement();
    }
  }

  @Override
  public Void connected(SocketAddress remoteAddress, String remoteName) {
    connections.increment();
    return null;
  }

  @Override
  public void disconnected(Void socket, SocketAddress remoteAddress) {
    connections.decrement();
  }

  @Override
  public void bytesRead(Void socket, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.increment(numberOfBytes);
  }

  @Override
  public void bytesWritten(Void socket, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.increment(numberOfBytes);
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
