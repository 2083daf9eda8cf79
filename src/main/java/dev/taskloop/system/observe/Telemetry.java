package dev.taskloop.system.observe;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The service's instruments, made before its {@code Vertx} (which is built with them): the meter
 * registry every feature records into, served as {@code GET /metrics}. With {@code
 * METRICS_ENABLED=false} the registry is an empty composite: meters exist but record nothing, and
 * Vert.x is built without metrics. Tracing ({@link Tracing}) exists only when an OTLP endpoint is
 * configured.
 */
public final class Telemetry {
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus; // null when metrics are off
  private final Tracing tracing; // null when tracing is off

  private Telemetry(PrometheusMeterRegistry prometheus, Tracing tracing) {
    this.prometheus = prometheus;
    this.registry = prometheus == null ? new CompositeMeterRegistry() : prometheus;
    this.tracing = tracing;
  }

  public static Telemetry create(AppConfig config) {
    boolean on = config.observability().metrics();
    return new Telemetry(
        on ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null,
        Tracing.create(config.observability()));
  }

  /** Where every meter goes. */
  public MeterRegistry registry() {
    return registry;
  }

  /** True when meters record (and {@code /metrics} is served). */
  public boolean metricsOn() {
    return prometheus != null;
  }

  /** The Prometheus text exposition of every meter; only when {@link #metricsOn}. */
  public String scrape() {
    return prometheus.scrape();
  }

  /** True when requests and statements are traced ({@link Tracing}). */
  public boolean tracingOn() {
    return tracing != null;
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
    if (prometheus != null) {
      builder =
          builder
              .with(
                  new VertxOptions(options)
                      .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
              .withMetrics(new MicrometerMetricsFactory(prometheus));
    } else {
      builder = builder.with(options);
    }
    if (tracing != null) {
      builder = builder.withTracer(tracing.factory());
    }
    return builder.build();
  }
}
