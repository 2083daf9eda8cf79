package dev.taskloop.system.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP server instance on one event loop; the service deploys one per core, all sharing the
 * port. Every request gets a request id first; every failure ends in {@link Problems}. Stopping the
 * verticle is a graceful shutdown: no new connections, in-flight requests get {@code grace} to
 * finish.
 */
public final class HttpVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final Duration grace;
  private final Handler<RoutingContext> authenticate;
  private final Consumer<Routes> features;
  private HttpServer server;
  private Routes routes;

  /**
   * @param authenticate checks the API key of non-public endpoints (see {@code Authenticator})
   * @param features mounts the service's endpoints (see {@code Taskloop#features})
   */
  public HttpVerticle(
      String host,
      int port,
      Duration grace,
      Handler<RoutingContext> authenticate,
      Consumer<Routes> features) {
    this.authenticate = authenticate;
    this.host = host;
    this.port = port;
    this.grace = grace;
    this.features = features;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    routes = new Routes(router, authenticate);
    features.accept(routes);
    Problems problems = new Problems(routes);
    router.route().failureHandler(problems::handle);
    router.errorHandler(404, ctx -> problems.handleStatus(ctx, 404));
    router.errorHandler(405, ctx -> problems.handleStatus(ctx, 405));
    // Idle keep-alive connections are closed after a minute, so idle or stalled clients cannot pin
    // connections forever.
    var options = new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(60);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The endpoints this instance registered. */
  public Routes routes() {
    return routes;
  }
}
