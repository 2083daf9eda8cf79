package dev.taskloop.system.http;

import dev.taskloop.system.db.DatabaseException;
import dev.taskloop.system.db.DatabaseException.Unavailable.Reason;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Liveness and readiness, the Kubernetes way. Liveness never touches the database: a slow or down
 * database must not get healthy pods restarted. Readiness asks the database (1 s budget) on a
 * connection of its own, so a busy pool does not pull every instance out of a load balancer at once
 * (the overload would become an outage); it turns 503 as soon as shutdown begins, so traffic drains
 * before the listener closes. Public only for its paths, which the deployment manifests' probes
 * must name (ManifestTest).
 */
public final class HealthRoutes {
  /** Liveness: 200 while the process answers. */
  public static final String LIVE = "/health/live";

  /** Readiness: 200 while the database answers and no shutdown has begun, else 503. */
  public static final String READY = "/health/ready";

  static final long READY_TIMEOUT_MS = 1000;

  /** Body of a healthy answer. */
  record Status(String status) {}

  private static final Status UP = new Status("ok");

  private final LongFunction<Future<Void>> databasePing;
  private final BooleanSupplier draining;

  /**
   * @param databasePing asks the database, on the health connection, to answer within the given
   *     milliseconds ({@code Database::healthPing})
   */
  HealthRoutes(LongFunction<Future<Void>> databasePing, BooleanSupplier draining) {
    this.databasePing = databasePing;
    this.draining = draining;
  }

  void mount(Routes routes) {
    routes.publicGet(LIVE, this::live);
    routes.publicGet(READY, this::ready);
  }

  private void live(RoutingContext ctx) {
    Responses.ok(ctx, UP);
  }

  private void ready(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      throw new ApiException(ProblemType.SERVICE_UNAVAILABLE, "The service is shutting down.");
    }
    // Whatever the reason (down, slow, pool closed), a database that does not answer means not
    // ready.
    Future<Void> ping =
        databasePing
            .apply(READY_TIMEOUT_MS)
            .recover(
                e ->
                    Future.failedFuture(
                        e instanceof DatabaseException.Unavailable
                            ? e
                            : new DatabaseException.Unavailable(Reason.UNREACHABLE, e)));
    Responses.reply(ctx, ping, (c, ok) -> Responses.ok(c, UP));
  }
}
