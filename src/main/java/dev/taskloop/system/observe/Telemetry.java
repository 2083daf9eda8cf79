package dev.taskloop.system.observe;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.function.Supplier;

/**
 * The service's instruments, made before its {@code Vertx} (which is built with them): the meter
 * registry every feature records into, served as {@code GET /metrics}. With {@code
 * METRICS_ENABLED=false} the registry is an empty composite: meters exist but record nothing, and
 * Vert.x is built without metrics. Tracing ({@link Tracing}) exists only when an OTLP endpoint is
 * configured.
 *
 * <p>When on: Vert.x's own meters ({@code vertx_*}: HTTP server by method, route template and
 * status, see {@link HttpServerMeters}; pools), the event loops' ({@link EventLoopMeters}), the
 * JVM's and the process's ({@link ProcessMeters}), and the features' (recorded into {@link
 * #registry}).
 */
public final class Telemetry implements AutoCloseable {
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus; // null when metrics are off
  private final AutoCloseable processMeters;
  private final Tracing tracing; // null when tracing is off
  private final HttpServerMeters http;

  private Telemetry(
      PrometheusMeterRegistry prometheus, AutoCloseable processMeters, Tracing tracing) {
    this.prometheus = prometheus;
    this.registry = prometheus == null ? new CompositeMeterRegistry() : prometheus;
    this.processMeters = processMeters;
    this.http = new HttpServerMeters(registry);
    this.tracing = tracing;
  }

  /** The instruments of the build {@code version} configured by {@code config}. */
  public static Telemetry create(AppConfig config, String version) {
    Tracing tracing = Tracing.create(config.observability());
    if (!config.observability().metrics()) {
      return new Telemetry(null, () -> {}, tracing);
    }
    var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new Telemetry(
        prometheus, ProcessMeters.bind(prometheus, version, config.database().kind()), tracing);
  }

  /** The API listeners' request meters, recorded by the HTTP layer once per request. */
  public HttpServerMeters http() {
    return http;
  }

  /** Where every meter goes. */
  public MeterRegistry registry() {
    return registry;
  }

  /** True when meters record (and {@code /metrics} is served). */
  public boolean metricsOn() {
    return prometheus != null;
  }

  /**
   * True unless {@code registry} is the empty one of {@code METRICS_ENABLED=false}: lets a feature
   * skip the bookkeeping a meter needs (e.g. a cache's statistics) when nothing would read it.
   */
  public static boolean records(MeterRegistry registry) {
    return !(registry instanceof CompositeMeterRegistry composite
        && composite.getRegistries().isEmpty());
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of every meter; only when {@link #metricsOn}.
   * Reads every gauge, some from the JVM's management beans: call it off the event loop.
   */
  public String scrape() {
    return prometheus.scrape();
  }

  /**
   * Exports the spans still buffered and stops tracing (at most a few seconds); call once the HTTP
   * servers have closed. Idempotent; does nothing when tracing is off.
   */
  public void closeTracing() {
    if (tracing != null) {
      tracing.close();
    }
  }

  /**
   * Builds the service's {@code Vertx} from {@code options}, with the metrics and the tracer when
   * they are on.
   */
  public Vertx vertx(VertxOptions options) {
    var builder = Vertx.builder();
    if (tracing != null) {
      builder = builder.withTracer(tracing.factory());
    }
    if (prometheus == null) {
      return builder.with(options).build();
    }
    Vertx vertx =
        builder
            .with(new VertxOptions(options).setMetricsOptions(VertxMeters.options()))
            .withMetrics(VertxMeters.factory(prometheus))
            .build();
    EventLoopMeters.install(vertx, prometheus);
    return vertx;
  }

  /** Unhooks what listens to the JVM (the GC); after Vert.x is closed. */
  @Override
  public void close() throws Exception {
    processMeters.close();
  }

  /**
   * The meters of one bounded pool of work that is not a database pool (the report workers, the
   * password hashing, the exports), all labelled {@code pool}: {@code taskloop_work_active}
   * (running now), {@code taskloop_work_queued} (waiting for a slot) and {@code
   * taskloop_work_rejected_total} (answered 503 because the pool and its queue were full).
   */
  public static final class WorkMeters {
    private final Counter rejected;

    private WorkMeters(Counter rejected) {
      this.rejected = rejected;
    }

    /**
     * Registers the meters of the pool called {@code pool}; the gauges read {@code active} and
     * {@code queued} when scraped (from the scraping thread: they must be thread-safe).
     */
    public static WorkMeters register(
        MeterRegistry registry, String pool, Supplier<Number> active, Supplier<Number> queued) {
      Gauge.builder("taskloop.work.active", active)
          .description("Work running now in a bounded pool")
          .tag("pool", pool)
          .register(registry);
      Gauge.builder("taskloop.work.queued", queued)
          .description("Work waiting for a slot in a bounded pool")
          .tag("pool", pool)
          .register(registry);
      return new WorkMeters(
          Counter.builder("taskloop.work.rejected")
              .description("Work refused with 503 because a bounded pool and its queue were full")
              .tag("pool", pool)
              .register(registry));
    }

    /** One piece of work was refused (503). */
    public void rejected() {
      rejected.increment();
    }
  }
}
