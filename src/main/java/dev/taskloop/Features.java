package dev.taskloop;

import dev.taskloop.auth.AuthFeature;
import dev.taskloop.catalog.CatalogFeature;
import dev.taskloop.reports.ReportFeature;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ClientAddress;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.idempotency.Idempotency;
import dev.taskloop.system.observe.Telemetry;
import dev.taskloop.tasks.TaskFeature;
import dev.taskloop.users.UserFeature;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The features' entry points, built once on the main thread (nothing on an event loop) and shared
 * by every server instance: they hold no per-connection state. The service's own endpoints (health,
 * docs) are the HTTP layer's. Adding a feature means adding it here.
 */
record Features(
    AuthFeature auth,
    TaskFeature tasks,
    CatalogFeature catalog,
    ReportFeature reports,
    UserFeature users,
    ClientAddress clients) {
  private static final Logger LOG = LoggerFactory.getLogger(Taskloop.class);

  /**
   * Builds every feature from the shared pieces, accounts first (with the admin, if configured);
   * what owns threads goes into {@code resources}.
   */
  static Features build(
      Vertx vertx, Database database, AppConfig config, Telemetry telemetry, Resources resources) {
    var registry = telemetry.registry();
    var idempotency = new Idempotency(vertx, database, config);
    resources.add("idempotency clean-up", idempotency::close);
    var tasks = new TaskFeature(database, registry, idempotency);
    var clients = new ClientAddress(config.scaleOut().trustedProxies());
    AuthFeature auth;
    UserFeature users;
    try {
      auth = new AuthFeature(database, config.auth(), registry);
      // Argon2 parameters: bounded by the configuration (ConfigSections)
      users = new UserFeature(vertx, database, config, auth, clients, registry, idempotency);
      bootstrapAdmin(config, users, tasks);
    } catch (Exception e) { // await() rethrows checked exceptions as they are
      throw new Taskloop.StartupException("cannot set up accounts: " + e.getMessage(), e);
    }
    resources.add("login limits", users::close);
    var reports = new ReportFeature(vertx, config, registry, database.legacyJdbc());
    resources.add("report workers", () -> reports.close(Taskloop.CLOSE_TIMEOUT_MS));
    var catalog = new CatalogFeature(database, idempotency);
    return new Features(auth, tasks, catalog, reports, users, clients);
  }

  /**
   * ADMIN_EMAIL + ADMIN_PASSWORD: the admin exists after startup (created once, idempotently), and
   * tasks from before accounts existed belong to it.
   */
  private static void bootstrapAdmin(AppConfig config, UserFeature users, TaskFeature tasks) {
    String email = config.auth().adminEmail();
    if (email == null) {
      return;
    }
    UUID admin = users.ensureAdmin(email, config.auth().adminPassword().value()).await();
    int adopted = tasks.adoptOrphans(admin).await();
    if (adopted > 0) {
      LOG.info("gave {} tasks without an owner to the admin {}", adopted, email);
    }
  }

  /** Every feature's endpoints, on one server instance's registry. */
  void mount(Routes routes) {
    tasks.mount(routes);
    catalog.mount(routes);
    reports.mount(routes);
    users.mount(routes);
  }
}
