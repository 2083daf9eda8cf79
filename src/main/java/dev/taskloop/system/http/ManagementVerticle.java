package dev.taskloop.system.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The management listener ({@code MANAGEMENT_PORT}): the operator's endpoints ({@link
 * OperatorRoutes}: {@code /metrics}, {@code /admin/*}) and the probes, on a port of their own that
 * need not be exposed with the API. One instance, on one event loop: it serves scrapes and probes,
 * not traffic. Every answer is the API's (request ids, problem+json); nothing here needs an API
 * key.
 */
public final class ManagementVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final HealthRoutes health;
  private final OperatorRoutes operator;
  private HttpServer server;

  /**
   * @param port the port, 0 for a free one
   * @param draining true once shutdown began: readiness turns 503, as on the main port
   * @param databasePing see {@link HttpVerticle}
   */
  public ManagementVerticle(
      String host,
      int port,
      BooleanSupplier draining,
      LongFunction<Future<Void>> databasePing,
      OperatorRoutes operator) {
    this.host = host;
    this.port = port;
    this.health = new HealthRoutes(databasePing, draining);
    this.operator = operator;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    // No route here is behind an API key; one that were would be refused, never let through.
    var routes = new Routes(router, ctx -> ctx.fail(ApiException.unauthorized()));
    health.mount(routes);
    operator.mountOnManagementPort(routes);
    Problems problems = new Problems(routes, ServerErrors.of(vertx));
    router.route().failureHandler(problems::handle);
    router.errorHandler(400, ctx -> problems.handleStatus(ctx, 400));
    router.errorHandler(404, ctx -> problems.handleStatus(ctx, 404));
    router.errorHandler(405, ctx -> problems.handleStatus(ctx, 405));
    var options =
        new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
