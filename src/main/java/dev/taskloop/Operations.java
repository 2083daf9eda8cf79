package dev.taskloop;

import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ManagementVerticle;
import dev.taskloop.system.http.OperatorRoutes;
import dev.taskloop.system.http.PoolRoutes;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.observe.Telemetry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the operator's endpoints ({@code /metrics}, {@code /admin/*}) are served: on the main port
 * by default, or with {@code MANAGEMENT_PORT} only on a listener of their own (with the probes,
 * which the main port keeps too). See {@link OperatorRoutes} for who may call them where.
 */
final class Operations {
  private static final Logger LOG = LoggerFactory.getLogger(Taskloop.class);

  private final AppConfig config;
  private final Database database;
  private final OperatorRoutes routes;
  private ManagementVerticle management; // set by listen when MANAGEMENT_PORT is

  Operations(AppConfig config, Telemetry telemetry, Database database) {
    this.config = config;
    this.database = database;
    this.routes = new OperatorRoutes(telemetry, adminEndpoints(config, database));
  }

  /**
   * The admin endpoints ({@code GET /admin/...}): add one here as {@code new AdminEndpoint(path,
   * handler)}; it is then served on the management port, or on the main port to administrators.
   */
  private static List<OperatorRoutes.AdminEndpoint> adminEndpoints(
      AppConfig config, Database database) {
    var pools =
        new PoolRoutes(
            config.database().kind(),
            config.poolGuards().leakThreshold().toMillis(),
            database::pools);
    return List.of(new OperatorRoutes.AdminEndpoint(PoolRoutes.PATH, pools.handler()));
  }

  /**
   * What every main-port server mounts: the features' endpoints, and the operator's unless the
   * management listener has them.
   */
  Consumer<Routes> mainPort(Features features) {
    if (config.observability().managementPort() >= 0) {
      return features::mount;
    }
    return on -> {
      features.mount(on);
      routes.mountOnMainPort(on, ctx -> Authenticator.principal(ctx).admin());
    };
  }

  /**
   * Starts the management listener when {@code MANAGEMENT_PORT} is set (before the main servers, so
   * that it closes after them: probes and scrapes answer through the drain); else nothing.
   */
  void listen(Vertx vertx, BooleanSupplier draining, Resources resources) {
    int port = config.observability().managementPort();
    if (port < 0) {
      return;
    }
    management =
        new ManagementVerticle(config.host(), port, draining, database::healthPing, routes);
    try {
      String deployment = vertx.deployVerticle(management).await();
      resources.add("management server", () -> vertx.undeploy(deployment).await());
    } catch (Exception e) { // await() rethrows checked exceptions as they are
      throw new Taskloop.StartupException(
          "cannot listen on "
              + config.host()
              + ":"
              + port
              + " (MANAGEMENT_PORT): "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "management listener (metrics, admin, probes) on http://{}:{}",
        config.host(),
        management.actualPort());
  }

  /** The management listener's port, -1 when there is none. */
  int managementPort() {
    return management == null ? -1 : management.actualPort();
  }
}
