package dev.taskloop.system.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vert.x's metrics: vertx-micrometer-metrics for everything (event bus, clients, ...) but the HTTP
 * servers, whose meters are {@link HttpServerMeters}, recorded from the router (same names, a
 * fraction of the cost), the SQL clients and pools, which {@code system/db} measures, and the
 * worker pools, which {@code taskloop_work_*} shows where they are bounded.
 */
final class VertxMeters implements VertxMetrics {
  private static final String SQL = "sql", WORKER = "worker";

  /** Vert.x keeps its registries in a static map by name: one name per service in the JVM. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final VertxMetrics library;

  private VertxMeters(VertxMetrics library) {
    this.library = library;
  }

  /**
   * The library's options: labels {@code pool_type} and {@code pool_name} only (no address, no
   * path); the HTTP labels are {@link HttpServerMeters}'s.
   */
  static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("taskloop-" + INSTANCES.incrementAndGet())
        .setLabels(EnumSet.of(Label.POOL_TYPE, Label.POOL_NAME));
  }

  /** What {@code Vertx.builder().withMetrics} takes: every meter goes to {@code registry}. */
  static VertxMetricsFactory factory(MeterRegistry registry) {
    var library = new MicrometerMetricsFactory(registry);
    return new VertxMetricsFactory() {
      @Override
      public VertxMetrics metrics(VertxOptions options) {
        return new VertxMeters(library.metrics(options));
      }

      @Override
      public MetricsOptions newOptions(MetricsOptions options) {
        return library.newOptions(options);
      }

      @Override
      public MetricsOptions newOptions(JsonObject json) {
        return library.newOptions(json);
      }
    };
  }

  /**
   * None: Vert.x's HTTP server calls its metrics several times per request and per buffer, which
   * cost GET one 10-15 % of its throughput; {@link HttpServerMeters} records once per request.
   */
  @Override
  public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(
      HttpServerOptions options, SocketAddress localAddress) {
    return null;
  }

  @Override
  public EventBusMetrics<?> createEventBusMetrics() {
    return library.createEventBusMetrics();
  }

  /**
   * None for the SQL clients ({@code vertx_sql_*}): measured 1.3 % of GET one's event-loop time,
   * and {@code taskloop_db_statement_seconds} times every statement by repository method.
   */
  @Override
  public ClientMetrics<?, ?, ?> createClientMetrics(
      SocketAddress remoteAddress, String type, String namespace) {
    return SQL.equals(type) ? null : library.createClientMetrics(remoteAddress, type, namespace);
  }

  @Override
  public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
    return library.createHttpClientMetrics(options);
  }

  @Override
  public TCPMetrics<?> createNetServerMetrics(
      NetServerOptions options, SocketAddress localAddress) {
    return library.createNetServerMetrics(options, localAddress);
  }

  @Override
  public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
    return library.createNetClientMetrics(options);
  }

  @Override
  public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
    return library.createDatagramSocketMetrics(options);
  }

  /**
   * None for the database pools ({@code vertx_pool_*{pool_type="sql"}}): measured 2.3 % of GET
   * one's event-loop time, while {@code taskloop_db_pool_*} (system/db's checkout registry) shows
   * the same size, use and waiters, and more. None for the worker pools either ({@code
   * pool_type="worker"}): SQLite runs every statement as a worker task, each timed twice more
   * (queue and run) on its hot path; {@code taskloop_work_*} shows the bounded pools (reports,
   * password hashing, exports) and {@code taskloop_db_statement_seconds} every statement.
   */
  @Override
  public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
    return SQL.equals(type) || WORKER.equals(type)
        ? null
        : library.createPoolMetrics(type, name, maxSize);
  }

  @Override
  public void vertxCreated(Vertx vertx) {
    library.vertxCreated(vertx);
  }

  @Override
  public boolean isMetricsEnabled() {
    return true;
  }

  @Override
  public void close() {
    library.close();
  }
}
