package dev.taskloop.reports;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.LegacyJdbc;
import dev.taskloop.system.http.Routes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;

/**
 * The reports feature, wired: the blocking legacy report on its own bounded thread pool, and its
 * endpoint. It owns threads: {@link #close} it at shutdown.
 */
public final class ReportFeature {
  private final ReportPool pool;
  private final ReportRoutes routes;

  /**
   * {@code registry} gets the report workers' meters; {@code jdbc}: the database's door for
   * blocking code ({@code Database#legacyJdbc}).
   */
  public ReportFeature(Vertx vertx, AppConfig config, MeterRegistry registry, LegacyJdbc jdbc) {
    this.pool = new ReportPool(vertx, config, registry, jdbc);
    this.routes = new ReportRoutes(pool);
  }

  public void mount(Routes routes) {
    this.routes.mount(routes);
  }

  /**
   * Takes no more reports and waits up to {@code timeoutMillis} for the queued and running ones;
   * past that, interrupts them and throws {@link TimeoutException}.
   */
  public void close(long timeoutMillis) throws InterruptedException, TimeoutException {
    pool.close(timeoutMillis);
  }
}
