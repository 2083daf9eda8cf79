package dev.taskloop.system.http;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.Web;
import dev.taskloop.system.observe.HttpServerMeters;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server instance on one event loop; the service deploys one per core, all sharing the
 * port. It serves the features' endpoints and the service's own: health ({@link HealthRoutes}) and
 * the API docs ({@link DocsRoutes}). Every request gets a request id first and one access-log line
 * when it ends ({@link AccessLog}); every failure ends in {@link Problems}, also the requests the
 * router never sees (malformed HTTP). {@link Cors} answers browsers' preflights before any route,
 * {@link Compression} decides how each answer is encoded. {@link ConnectionGuard} bounds slow
 * clients. Stopping the verticle is the second half of a graceful shutdown: idle connections are
 * closed, then the listener, and in-flight requests get the rest of {@code grace} to finish.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  /** The listener's parameters and how the HTTP layer waits for clients. */
  public record Settings(
      String host,
      int port,
      Duration grace,
      AppConfig.Http limits,
      Web web,
      boolean accessLog,
      HttpServerMeters meters,
      ClientAddress clients) {}

  private final Settings settings;
  private final BooleanSupplier draining;
  private final Handler<RoutingContext> authenticate;
  private final Consumer<Routes> features;
  private final HealthRoutes health;
  private final DocsRoutes docs;
  private final Compression compression;
  private HttpServer server;
  private ConnectionGuard guard;
  private AccessLog access;
  private Routes routes;

  /**
   * Builds the instance on the calling (main) thread, where the API documents are read.
   *
   * @param draining true once shutdown began: readiness turns 503, responses close their
   *     connections
   * @param databasePing asks the database, on its health connection, to answer within the given
   *     milliseconds, for readiness ({@code Database::healthPing})
   * @param authenticate checks the API key of non-public endpoints (see {@code Authenticator})
   * @param features mounts the features' endpoints (see {@code Features#mount})
   */
  public HttpVerticle(
      Settings settings,
      BooleanSupplier draining,
      LongFunction<Future<Void>> databasePing,
      Handler<RoutingContext> authenticate,
      Consumer<Routes> features) {
    this.settings = settings;
    this.draining = draining;
    this.authenticate = authenticate;
    this.features = features;
    this.health = new HealthRoutes(databasePing, draining);
    this.docs = new DocsRoutes();
    this.compression = new Compression(settings.web().compressionMinBytes());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    access = new AccessLog(settings.accessLog(), settings.meters(), settings.clients());
    router.route().handler(this::begin);
    Cors cors = Cors.of(settings.web());
    if (cors != null) { // before every route, so before authentication: preflights carry no key
      router.route().handler(cors);
    }
    routes = new Routes(router, authenticate);
    features.accept(routes);
    health.mount(routes);
    docs.mount(routes);
    Problems problems = new Problems(routes, ServerErrors.of(vertx));
    router.route().failureHandler(problems::handle);
    router.errorHandler(400, ctx -> problems.handleStatus(ctx, 400)); // e.g. a bad %-escape
    router.errorHandler(404, ctx -> problems.handleStatus(ctx, 404));
    router.errorHandler(405, ctx -> problems.handleStatus(ctx, 405));
    guard = new ConnectionGuard(vertx, settings.limits(), draining);
    var options =
        compression
            .apply(new HttpServerOptions())
            .setHost(settings.host())
            .setPort(settings.port())
            .setIdleTimeout((int) settings.limits().idleTimeout().toSeconds())
            // HTTP/1.1 only: with h2c detection on, a connection is set up only after its first
            // bytes were read, too late for the header timeout and the drain to act before.
            .setHttp2ClearTextEnabled(false);
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(guard::opened)
            .invalidRequestHandler(this::malformed)
            // Set so that requests of an unknown HTTP version reach request() instead of getting
            // Vert.x's bare 501; no WebSocket is offered.
            .webSocketHandshakeHandler(HttpVerticle::refuseWebSocket)
            .exceptionHandler(e -> LOG.debug("HTTP connection failed: {}", e.toString()))
            .requestHandler(request -> request(request, router));
    guard.start();
    return server.listen();
  }

  /** The first handler of every routed request: its id, and its access-log line when it ends. */
  private void begin(RoutingContext ctx) {
    access.routed(ctx);
    compression.begin(ctx);
    RequestIds.assign(ctx); // and on to the next handler
  }

  private void malformed(HttpServerRequest request) {
    access.unrouted(request);
    MalformedRequests.handle(request);
  }

  private void request(HttpServerRequest request, Router router) {
    guard.request(request);
    if (request.version() == null) { // neither HTTP/1.1 nor HTTP/1.0
      access.unrouted(request);
      Problems.send(request, ProblemType.MALFORMED_REQUEST, "Only HTTP/1.1 and 1.0 are served.");
      return;
    }
    router.handle(request);
  }

  private static void refuseWebSocket(ServerWebSocketHandshake handshake) {
    handshake.reject(400);
  }

  @Override
  public Future<?> stop() {
    // Idle connections first (each may still deliver one request); then the listener closes and
    // requests still running get the rest of the grace period.
    long start = System.nanoTime();
    return guard
        .stop()
        .compose(
            idleClosed -> {
              long left =
                  settings.grace().toMillis()
                      - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
              return server.shutdown(Math.max(0, left), TimeUnit.MILLISECONDS);
            })
        .onComplete(closed -> guard.close());
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
