package dev.taskloop;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.HttpVerticle;
import dev.taskloop.system.http.Json;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.observe.Telemetry;
import dev.taskloop.tasks.TaskFeature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, wired top to bottom: migrate, open the database, build the features, listen.
 * {@link #start} returns once the server listens; {@link #shutdown} drains, then closes what start
 * opened. A failed start closes it the same way ({@link Resources}) before it throws.
 */
public final class Taskloop {
  private static final Logger LOG = LoggerFactory.getLogger(Taskloop.class);

  /**
   * Longest wait for each of the report workers, the pools and Vert.x to close: connections to a
   * server that stalls cannot close cleanly before their idle timeout, and shutdown does not wait
   * for that.
   */
  static final long CLOSE_TIMEOUT_MS = 5_000;

  /**
   * One event loop per core, shared by the HTTP servers and the database connections: measured ~25%
   * more GET-one throughput than Vert.x's default of two per core (fewer threads on the cores).
   */
  private static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /** Startup failed for a reason an operator can act on; the message is one line. */
  public static final class StartupException extends RuntimeException {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final AppConfig config;
  private final Vertx vertx;
  private final Database database;
  private final HttpVerticle first;
  private final AtomicBoolean draining;
  private final Resources resources;
  private boolean stopped;

  private Taskloop(
      AppConfig config,
      Vertx vertx,
      Database database,
      HttpVerticle first,
      AtomicBoolean draining,
      Resources resources) {
    this.config = config;
    this.vertx = vertx;
    this.database = database;
    this.first = first;
    this.draining = draining;
    this.resources = resources;
  }

  /**
   * Starts the service and blocks until it listens. Call from a plain thread (main), never an event
   * loop.
   */
  public static Taskloop start(AppConfig config, VertxOptions vertxOptions) {
    long startNanos = System.nanoTime();
    // a database that is not up yet gets DB_CONNECT_TIMEOUT_S from here, migration and ping alike
    long untilNanos = startNanos + config.poolGuards().startupTimeout().toNanos();
    String schemaVersion = migrate(config, untilNanos);
    var resources = new Resources();
    try {
      Telemetry telemetry = Telemetry.create(config);
      Vertx vertx =
          telemetry.vertx(new VertxOptions(vertxOptions).setEventLoopPoolSize(EVENT_LOOPS));
      resources.add("Vert.x", () -> awaitAtMost(vertx.close()));
      Database database = openDatabase(vertx, config, telemetry, resources, untilNanos);
      Json.warmUp(TaskFeature.wireSample()); // on this thread, not the first requests' event loop
      var draining = new AtomicBoolean();
      Features features = Features.build(vertx, database, config, telemetry, resources);
      HttpVerticle first = listen(vertx, config, database, features, draining, resources);
      var app = new Taskloop(config, vertx, database, first, draining, resources);
      app.logStarted(schemaVersion, startNanos);
      return app;
    } catch (Throwable e) { // whatever failed, nothing that was opened stays open
      resources.closeAll();
      throw e;
    }
  }

  /** Brings the schema up to date: blocking JDBC, here on the main thread. */
  private static String migrate(AppConfig config, long untilNanos) {
    try {
      return Database.migrate(config, untilNanos);
    } catch (Database.StartupFailure e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** Opens the pools and waits until both application clients get an answer. */
  private static Database openDatabase(
      Vertx vertx, AppConfig config, Telemetry telemetry, Resources resources, long untilNanos) {
    try {
      Database database = Database.open(vertx, config, telemetry.registry());
      // bounded: a stalled server must not keep the process alive
      resources.add("database pools", () -> awaitAtMost(database.close()));
      database.awaitReachable(config, untilNanos);
      return database;
    } catch (Database.StartupFailure e) {
      throw new StartupException(e.getMessage(), e);
    } catch (Exception e) { // await() rethrows checked exceptions as they are
      throw new StartupException(
          "cannot connect to " + config.database().masked() + ": " + describe(e), e);
    }
  }

  /** Deploys one HTTP server per event loop, all on one port; returns the first. */
  private static HttpVerticle listen(
      Vertx vertx,
      AppConfig config,
      Database database,
      Features features,
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
        new HttpVerticle.Settings(config.host(), port, config.shutdownGrace(), config.http());
    var verticles = new ArrayList<HttpVerticle>();
    for (int i = 0; i < EVENT_LOOPS; i++) { // built here, on the main thread: see HttpVerticle
      verticles.add(
          new HttpVerticle(
              settings,
              draining::get,
              database::healthPing,
              features.auth()::authenticate,
              features::mount));
    }
    try {
      for (HttpVerticle verticle : verticles) {
        deployments.add(vertx.deployVerticle(verticle).await());
      }
      return verticles.getFirst();
    } catch (Exception e) {
      throw new StartupException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }

  private void logStarted(String schemaVersion, long startNanos) {
    LOG.info(
        "taskloop {} listening on http://{}:{} database={} {} schema=v{} pool={} event-loops={} ready in {} ms",
        version(),
        config.host(),
        port(),
        config.database().kind(),
        config.database().masked(),
        schemaVersion,
        config.poolSize(),
        EVENT_LOOPS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
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
   * {@code SHUTDOWN_GRACE_S} to finish; then the report workers, the pools and Vert.x close (each
   * at most {@link #CLOSE_TIMEOUT_MS}). Every request the server has read gets its answer. Blocks
   * until done; idempotent.
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
    resources.closeAll(); // HTTP servers, report workers, database pools, Vert.x
    LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** A failure's message, with its cause's when the message alone says little. */
  private static String describe(Exception e) {
    return e.getCause() == null || e.getCause() == e
        ? e.getMessage()
        : e.getMessage() + " (" + e.getCause().getMessage() + ")";
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
