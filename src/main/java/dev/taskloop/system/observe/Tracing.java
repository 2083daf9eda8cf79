package dev.taskloop.system.observe;

import dev.taskloop.system.config.AppConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * OpenTelemetry tracing, built only when an OTLP endpoint is configured ({@link
 * AppConfig.Observability#tracing}); otherwise no SDK exists, Vert.x has no tracer and nothing
 * dials out. The SDK is made by OpenTelemetry's autoconfigure from the standard {@code OTEL_*}
 * variables, as given to the service's configuration ({@code OTEL_EXPORTER_OTLP_ENDPOINT} becomes
 * {@code otel.exporter.otlp.endpoint}), with these defaults of our own: {@code
 * OTEL_SERVICE_NAME=taskloop}, and no OTLP metrics or logs ({@code OTEL_METRICS_EXPORTER=none},
 * {@code OTEL_LOGS_EXPORTER=none}: metrics are served by {@code /metrics}, logs go to the console).
 *
 * <p>Vert.x then makes a server span per HTTP request (honouring a caller's W3C {@code
 * traceparent}) and the SQL clients a {@code Query} span per statement, as its child. Probe
 * requests ({@code /health/*}) that start a trace of their own are not sampled: a probe every few
 * seconds would bury the traces worth reading.
 */
final class Tracing {
  private static final long SHUTDOWN_TIMEOUT_MS = 5_000;
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final String PROBES = "/health/";

  /** OpenTelemetry's java.util.logging loggers; held here, as JUL holds its loggers weakly. */
  private static final java.util.logging.Logger DIAGNOSTICS =
      java.util.logging.Logger.getLogger("io.opentelemetry");

  private final OpenTelemetrySdk sdk;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** The tracing of {@code config}, or null when it is off. */
  static Tracing create(AppConfig.Observability config) {
    if (!config.tracing()) {
      return null;
    }
    routeDiagnostics();
    var defaults = new HashMap<String, String>();
    defaults.put("otel.service.name", "taskloop");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            // The service's own variables win over the process's (they are the same in production;
            // tests pass theirs as a map).
            .addPropertiesCustomizer(ignored -> properties(config.otel()))
            .addResourceCustomizer((resource, ignored) -> withVersion(resource))
            .addSamplerCustomizer((sampler, ignored) -> new SkipProbes(sampler))
            .disableShutdownHook() // closed by the service, right after its HTTP servers
            .build()
            .getOpenTelemetrySdk();
    RequestIdMdc.traced = true;
    return new Tracing(sdk);
  }

  /**
   * Sends what OpenTelemetry logs through java.util.logging (export failures, bad settings) to
   * SLF4J instead of stderr, once per JVM.
   */
  private static void routeDiagnostics() {
    synchronized (DIAGNOSTICS) {
      if (DIAGNOSTICS.getUseParentHandlers()) {
        DIAGNOSTICS.addHandler(new SLF4JBridgeHandler());
        DIAGNOSTICS.setUseParentHandlers(false);
      }
    }
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} as autoconfigure's {@code otel.exporter.otlp.endpoint}. */
  static Map<String, String> properties(Map<String, String> otel) {
    var properties = new HashMap<String, String>();
    otel.forEach(
        (name, value) -> properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    return properties;
  }

  /** {@code service.version} is this build's, unless {@code OTEL_RESOURCE_ATTRIBUTES} says. */
  private static Resource withVersion(Resource resource) {
    String version = Tracing.class.getPackage().getImplementationVersion();
    return Resource.create(Attributes.of(SERVICE_VERSION, version == null ? "dev" : version))
        .merge(resource); // the configured attributes win
  }

  /** What Vert.x builds its tracer with. */
  VertxTracerFactory factory() {
    return new OpenTelemetryTracingFactory(sdk);
  }

  /**
   * Exports the spans still buffered, then stops the SDK; at most {@link #SHUTDOWN_TIMEOUT_MS} (a
   * collector that is down is given up on: its spans are lost). Idempotent.
   */
  void close() {
    if (closed.compareAndSet(false, true)) {
      sdk.shutdown().join(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Drops the root spans of probe requests; everything else is up to the configured sampler. */
  private record SkipProbes(Sampler delegate) implements Sampler {
    @Override
    public SamplingResult shouldSample(
        Context parent,
        String traceId,
        String name,
        SpanKind kind,
        Attributes attributes,
        List<LinkData> links) {
      if (kind == SpanKind.SERVER && !Span.fromContext(parent).getSpanContext().isValid()) {
        String path = attributes.get(URL_PATH);
        if (path != null && path.startsWith(PROBES)) {
          return SamplingResult.drop();
        }
      }
      return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
      return "SkipProbes{" + delegate.getDescription() + "}";
    }
  }
}
