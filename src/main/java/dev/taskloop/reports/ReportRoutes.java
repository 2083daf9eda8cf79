package dev.taskloop.reports;

import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import io.vertx.ext.web.RoutingContext;

/** HTTP in and out for reports. */
final class ReportRoutes {
  private final ReportPool pool;

  ReportRoutes(ReportPool pool) {
    this.pool = pool;
  }

  public void mount(Routes routes) {
    routes.get("/reports/summary", this::summary);
  }

  private void summary(RoutingContext ctx) {
    Responses.reply(ctx, pool.summary(Authenticator.principal(ctx).userId()), Responses::ok);
  }
}
