package dev.taskloop;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.HttpVerticle;
import dev.taskloop.system.observe.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** The API's HTTP servers: one {@link HttpVerticle} per event loop, all on {@code PORT}. */
final class MainServers {
  private MainServers() {}

  /** Deploys one HTTP server per event loop, all on one port; returns the first. */
  static HttpVerticle listen(
      Vertx vertx,
      AppConfig config,
      Database database,
      Features features,
      Operations ops,
      Telemetry telemetry,
      AtomicBoolean draining,
      Resources resources) {
    var deployments = new ArrayList<String>();
    // Closing them is the graceful half of shutdown: in-flight requests get SHUTDOWN_GRACE_S.
    resources.add(
        "HTTP servers",
        () -> Future.join(deployments.stream().map(vertx::undeploy).toList()).await());
    // Instances on one port share one socket; Vert.x spells "one shared random port" as -1.
    int port = config.port() == 0 ? -1 : config.port();
    var settings =
        new HttpVerticle.Settings(
            config.host(),
            port,
            config.shutdownGrace(),
            config.http(),
            config.web(),
            config.observability().accessLog(),
            telemetry.http(),
            features.clients());
    var verticles = new ArrayList<HttpVerticle>();
    for (int i = 0;
        i < Taskloop.EVENT_LOOPS;
        i++) { // built here, on the main thread: see HttpVerticle
      verticles.add(
          new HttpVerticle(
              settings,
              draining::get,
              database::healthPing,
              features.auth()::authenticate,
              ops.mainPort(features)));
    }
    try {
      for (HttpVerticle verticle : verticles) {
        deployments.add(vertx.deployVerticle(verticle).await());
      }
      return verticles.getFirst();
    } catch (Exception e) {
      throw new Taskloop.StartupException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }
}
