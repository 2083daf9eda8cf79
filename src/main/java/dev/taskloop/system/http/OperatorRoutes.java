package dev.taskloop.system.http;

import dev.taskloop.system.observe.Telemetry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Predicate;

/**
 * The operator's endpoints: {@code GET /metrics} (Prometheus) and the admin endpoints ({@code
 * /admin/*}). They are served either on the main port (the default) or, with {@code
 * MANAGEMENT_PORT}, only on the management listener ({@link ManagementVerticle}); the wiring picks
 * one. Where they are decides who may call them:
 *
 * <ul>
 *   <li>main port: {@code /metrics} is public (Prometheus scrapes without an API key; it shows no
 *       secret, key, email or raw path) and the admin endpoints need an administrator's key (401
 *       without a key, 403 for other users);
 *   <li>management port: both are open to whoever reaches the port, which a firewall or the pod's
 *       network policy keeps to the operators (the production answer).
 * </ul>
 *
 * <p>An admin endpoint is added as an {@link AdminEndpoint} to the list the wiring builds ({@code
 * Operations} in the root package); its handler does not check the caller itself.
 */
public final class OperatorRoutes {
  /** Prometheus text format 0.0.4, what Prometheus asks for by default. */
  static final CharSequence PROMETHEUS_TEXT =
      HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

  /**
   * One admin endpoint (a GET under {@code /admin/}), written by the part of the service it shows.
   */
  public record AdminEndpoint(String path, Handler<RoutingContext> handler) {
    public AdminEndpoint {
      if (!path.startsWith("/admin/")) {
        throw new IllegalArgumentException("admin endpoints live under /admin/: " + path);
      }
    }
  }

  private final Telemetry telemetry;
  private final List<AdminEndpoint> admin;

  public OperatorRoutes(Telemetry telemetry, List<AdminEndpoint> admin) {
    this.telemetry = telemetry;
    this.admin = List.copyOf(admin);
  }

  /**
   * Mounts them on the main port: {@code /metrics} public, the admin endpoints behind an API key
   * for which {@code isAdmin} holds (it runs after authentication).
   */
  public void mountOnMainPort(Routes routes, Predicate<RoutingContext> isAdmin) {
    mountMetrics(routes);
    for (AdminEndpoint endpoint : admin) {
      routes.get(endpoint.path(), ctx -> adminOnly(ctx, isAdmin, endpoint.handler()));
    }
  }

  /** Mounts them on the management listener, open to whoever reaches it. */
  void mountOnManagementPort(Routes routes) {
    mountMetrics(routes);
    for (AdminEndpoint endpoint : admin) {
      routes.publicGet(endpoint.path(), endpoint.handler());
    }
  }

  private void mountMetrics(Routes routes) {
    if (telemetry.metricsOn()) { // else /metrics is a 404 like any unknown path
      routes.publicGet("/metrics", this::scrape);
    }
  }

  private static void adminOnly(
      RoutingContext ctx, Predicate<RoutingContext> isAdmin, Handler<RoutingContext> handler) {
    if (!isAdmin.test(ctx)) {
      throw ApiException.forbidden("Only administrators may do this.");
    }
    handler.handle(ctx);
  }

  /** A scrape reads the JVM's beans (threads, memory): on a worker, not the event loop. */
  private void scrape(RoutingContext ctx) {
    Responses.reply(
        ctx,
        ctx.vertx().executeBlocking(telemetry::scrape, false),
        (c, text) -> Responses.ok(c, PROMETHEUS_TEXT, Buffer.buffer(text)));
  }
}
