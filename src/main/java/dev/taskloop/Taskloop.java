package dev.taskloop;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.taskloop.auth.ApiKeyRepository;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.auth.LoginLimiter;
import dev.taskloop.auth.PasswordHasher;
import dev.taskloop.catalog.CatalogFeature;
import dev.taskloop.reports.ReportPool;
import dev.taskloop.reports.ReportRoutes;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.Migrations;
import dev.taskloop.system.health.HealthRoutes;
import dev.taskloop.system.http.FieldError;
import dev.taskloop.system.http.HttpVerticle;
import dev.taskloop.system.http.Json;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.http.Problems;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.openapi.DocsRoutes;
import dev.taskloop.tasks.Task;
import dev.taskloop.tasks.TaskRepository;
import dev.taskloop.tasks.TaskRoutes;
import dev.taskloop.users.Accounts;
import dev.taskloop.users.KeyRoutes;
import dev.taskloop.users.UserRepository;
import dev.taskloop.users.UserRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, wired top to bottom: configuration, then the database (migrate, connect),
 * then HTTP. {@link #start} returns once the server listens; {@link #shutdown} drains and closes.
 */
public final class Taskloop {
  private static final Logger LOG = LoggerFactory.getLogger(Taskloop.class);

  /**
   * Longest wait for the pools, then for Vert.x, to close at shutdown: connections to a server that
   * stalls cannot close cleanly before their idle timeout, and shutdown does not wait for that.
   */
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  /** Startup failed for a reason an operator can act on; the message is one line. */
  public static final class StartupException extends RuntimeException {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final AppConfig config;
  private final Vertx vertx;
  private final Database database;
  private final List<String> deployments;
  private final HttpVerticle first;
  private final AtomicBoolean draining;
  private boolean stopped;

  private Taskloop(
      AppConfig config,
      Vertx vertx,
      Database database,
      List<String> deployments,
      HttpVerticle first,
      AtomicBoolean draining) {
    this.config = config;
    this.vertx = vertx;
    this.database = database;
    this.deployments = deployments;
    this.first = first;
    this.draining = draining;
  }

  /**
   * Starts the service and blocks until it listens. Call from a plain thread (main), never an event
   * loop.
   */
  public static Taskloop start(AppConfig config, VertxOptions vertxOptions) {
    long startNanos = System.nanoTime();
    Migrations.Result schema;
    try {
      schema = Migrations.migrate(config.database()); // blocking JDBC, here on the main thread
    } catch (Migrations.MigrationException e) {
      throw new StartupException(e.getMessage(), e);
    }
    // One event loop per core, shared by the HTTP servers and the database connections: measured
    // ~25% more GET-one throughput than Vert.x's default of two per core (fewer threads on the
    // cores).
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions(vertxOptions).setEventLoopPoolSize(instances));
    var draining = new AtomicBoolean();
    Database database = null;
    try {
      database = Database.open(vertx, config);
      database.ping(config.acquireTimeout().toMillis()).await();
    } catch (Exception e) { // await() rethrows checked exceptions as they are
      close(vertx, database);
      throw new StartupException(
          "cannot connect to " + config.database().masked() + ": " + describe(e), e);
    }

    warmUp();
    // Features are built here, on the main thread (resources load, nothing on an event loop), and
    // shared by every server instance: they hold no per-connection state.
    var auth = config.auth();
    var keys = new ApiKeyRepository(database);
    var authenticator = new Authenticator(keys, auth);
    var tasks = new TaskRepository(database);
    Accounts accounts;
    try {
      var hasher = new PasswordHasher(vertx, auth); // hashes once: bad Argon2 settings fail here
      accounts =
          new Accounts(
              database,
              new UserRepository(database),
              keys,
              hasher,
              new LoginLimiter(auth),
              authenticator,
              auth);
      bootstrapAdmin(config, accounts, tasks);
    } catch (Exception e) {
      close(vertx, database);
      throw new StartupException("cannot set up accounts: " + e.getMessage(), e);
    }
    var reports = new ReportPool(vertx, config);
    Consumer<Routes> features = features(database, draining, accounts, tasks, reports);
    var deployments = new ArrayList<String>(instances);
    HttpVerticle first = null;
    try {
      // Instances on one port share one socket; Vert.x spells "one shared random port" as -1.
      int port = config.port() == 0 ? -1 : config.port();
      for (int i = 0; i < instances; i++) {
        var settings =
            new HttpVerticle.Settings(config.host(), port, config.shutdownGrace(), config.http());
        var verticle = new HttpVerticle(settings, draining::get, authenticator::handle, features);
        deployments.add(vertx.deployVerticle(verticle).await());
        first = first == null ? verticle : first;
      }
    } catch (Exception e) {
      close(vertx, database);
      throw new StartupException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    var app = new Taskloop(config, vertx, database, deployments, first, draining);
    LOG.info(
        "taskloop {} listening on http://{}:{} database={} {} schema=v{} pool={} event-loops={} ready in {} ms",
        version(),
        config.host(),
        app.port(),
        config.database().kind(),
        config.database().masked(),
        schema.schemaVersion(),
        config.poolSize(),
        instances,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    return app;
  }

  /**
   * Initialises the JSON mapper and its serializers here on the main thread, so the first requests
   * do not pay that one-time class loading on an event loop (hundreds of ms on a cold JVM).
   */
  private static void warmUp() {
    try {
      Json.parse(
          Json.bytes(List.of(new Task(1, "warm-up", null, false, Instant.EPOCH, Instant.EPOCH))));
      Json.bytes(
          new Problems.Problem(
              ProblemType.VALIDATION.type(),
              "t",
              422,
              "d",
              "/",
              List.of(new FieldError("f", "m")),
              "r"));
    } catch (JsonProcessingException | CharacterCodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every feature's endpoints. Adding a feature means adding it here. */
  private static Consumer<Routes> features(
      Database database,
      AtomicBoolean draining,
      Accounts accounts,
      TaskRepository taskRepository,
      ReportPool reportPool) {
    var tasks = new TaskRoutes(taskRepository);
    var catalog = new CatalogFeature(database);
    var reports = new ReportRoutes(reportPool);
    var users = new UserRoutes(accounts);
    var keys = new KeyRoutes(accounts);
    var health = new HealthRoutes(database::healthPing, draining::get);
    var docs = new DocsRoutes();
    return routes -> {
      tasks.mount(routes);
      catalog.mount(routes);
      reports.mount(routes);
      users.mount(routes);
      keys.mount(routes);
      health.mount(routes);
      docs.mount(routes);
    };
  }

  /**
   * ADMIN_EMAIL + ADMIN_PASSWORD: the admin exists after startup (created once, idempotently), and
   * tasks from before accounts existed belong to it.
   */
  private static void bootstrapAdmin(AppConfig config, Accounts accounts, TaskRepository tasks) {
    if (config.auth().adminEmail() == null) {
      return;
    }
    UUID admin =
        accounts.ensureAdmin(config.auth().adminEmail(), config.auth().adminPassword()).await();
    int adopted = tasks.adoptOrphans(admin).await();
    if (adopted > 0) {
      LOG.info(
          "gave {} tasks without an owner to the admin {}", adopted, config.auth().adminEmail());
    }
  }

  public int port() {
    return first.actualPort();
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The registered endpoints (the same on every server instance). */
  public Routes routes() {
    return first.routes();
  }

  /**
   * Graceful stop: readiness turns 503 and every response closes its connection; after {@code
   * SHUTDOWN_DELAY_S} idle connections are closed, then the listener, and in-flight requests get
   * {@code SHUTDOWN_GRACE_S} to finish; then the pools and Vert.x close (each at most {@link
   * #CLOSE_TIMEOUT_MS}). Every request the server has read gets its answer. Blocks until done;
   * idempotent.
   */
  public synchronized void shutdown() {
    if (stopped) {
      return;
    }
    stopped = true;
    long startNanos = System.nanoTime();
    draining.set(true);
    LOG.info(
        "shutting down: readiness is 503 and answers close their connections; in {} s idle connections and the listener close, then in-flight requests get {} s",
        config.shutdownDelay().toSeconds(),
        config.shutdownGrace().toSeconds());
    try {
      Thread.sleep(config.shutdownDelay()); // load balancers see 503 and stop routing here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Future.join(deployments.stream().map(vertx::undeploy).toList()).await();
    } catch (Exception e) {
      LOG.warn("HTTP servers did not stop cleanly: {}", e.toString());
    }
    close(vertx, database);
    LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** A failure's message, with its cause's when the message alone says little. */
  private static String describe(Exception e) {
    return e.getCause() == null || e.getCause() == e
        ? e.getMessage()
        : e.getMessage() + " (" + e.getCause().getMessage() + ")";
  }

  private static void close(Vertx vertx, Database database) {
    try {
      if (database != null) { // bounded: a stalled server must not keep the process alive
        awaitAtMost(database.close());
      }
    } catch (Exception e) {
      LOG.warn("database pools did not close cleanly: {}", e.toString());
    }
    try { // a connection stuck on a stalled server closes only at its idle timeout: do not wait
      awaitAtMost(vertx.close());
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }

  /**
   * Waits for {@code closing}, at most {@link #CLOSE_TIMEOUT_MS} (a JDK timer: Vert.x is closing).
   */
  private static void awaitAtMost(Future<Void> closing) throws Exception {
    closing.toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  static String version() {
    String version = Taskloop.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
