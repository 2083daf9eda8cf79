package dev.taskloop.system.http;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.observe.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoints' hook ({@link OperatorRoutes.AdminEndpoint}), with a stand-in endpoint and
 * stand-in callers: behind an administrator's key on the main port, open on the management port. No
 * database is involved, so it runs once.
 */
class OperatorRoutesIT {
  private static final String USER = "X-Test-User", ADMIN = "X-Test-Admin";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static OperatorRoutes operator() {
    var config = AppConfig.fromEnv(Map.of("METRICS_ENABLED", "false"));
    var probe =
        new OperatorRoutes.AdminEndpoint("/admin/probe", ctx -> Responses.ok(ctx, Map.of("ok", 1)));
    return new OperatorRoutes(Telemetry.create(config, "test"), List.of(probe));
  }

  /** A server whose stand-in authentication lets a request with {@link #USER} through. */
  private static Http serve(Consumer<Routes> mount) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    var routes =
        new Routes(
            router,
            ctx -> {
              if (ctx.request().getHeader(USER) == null) {
                ctx.fail(ApiException.unauthorized());
              } else {
                ctx.next();
              }
            });
    mount.accept(routes);
    var problems = new Problems(routes, ServerErrors.of(vertx));
    router.route().failureHandler(problems::handle);
    router.errorHandler(404, ctx -> problems.handleStatus(ctx, 404));
    Future<Integer> port =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)) // as ours
            .requestHandler(router)
            .listen(0)
            .map(s -> s.actualPort());
    return new Http("http://127.0.0.1:" + port.await());
  }

  private static boolean isAdmin(RoutingContext ctx) {
    return ctx.request().getHeader(ADMIN) != null;
  }

  @Test
  void onTheMainPortAnAdminEndpointNeedsAnAdministratorsKey() {
    Http main = serve(routes -> operator().mountOnMainPort(routes, OperatorRoutesIT::isAdmin));
    assertProblem(main.get("/admin/probe"), 401, "unauthorized");
    assertProblem(main.withHeader(USER, "u").get("/admin/probe"), 403, "forbidden");
    var admin = main.withHeader(USER, "u").withHeader(ADMIN, "yes").get("/admin/probe");
    assertEquals(200, admin.status(), admin::toString);
    assertEquals(1, admin.json().get("ok").asInt());
  }

  @Test
  void onTheManagementPortItIsOpen() {
    Http management = serve(routes -> operator().mountOnManagementPort(routes));
    var anyone = management.get("/admin/probe");
    assertEquals(200, anyone.status(), anyone::toString);
    assertProblem(management.get("/metrics"), 404, "not-found"); // metrics are off here
  }

  @Test
  void adminEndpointsLiveUnderAdmin() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new OperatorRoutes.AdminEndpoint("/pool", ctx -> {}));
    assertTrue(e.getMessage().contains("/admin/"), e.getMessage());
  }
}
