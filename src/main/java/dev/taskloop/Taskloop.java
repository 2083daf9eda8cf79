package dev.taskloop;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.HttpVerticle;
import dev.taskloop.system.http.Json;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.observe.LogSetup;
import dev.taskloop.system.observe.Telemetry;
import dev.taskloop.tasks.TaskFeature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
  static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /** Startup failed for a reason an operator can act on; the message is one line. */
  public static final class StartupException extends RuntimeException {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final AppConfig config;
  private final Vertx vertx;
  private final Database database;
  private final Telemetry telemetry;
  private final HttpVerticle first;
  private final Operations operations;
  private final AtomicBoolean draining;
  private final Resources resources;
  private boolean stopped;

  private Taskloop(
      AppConfig config,
      Vertx vertx,
      Database database,
      Telemetry telemetry,
      HttpVerticle first,
      Operations operations,
      AtomicBoolean draining,
      Resources resources) {
    this.config = config;
    this.vertx = vertx;
    this.database = database;
    this.telemetry = telemetry;
    this.first = first;
    this.operations = operations;
    this.draining = draining;
    this.resources = resources;
  }

  /**
   * Starts the service and blocks until it listens. Call from a plain thread (main), never an event
   * loop.
   */
  public static Taskloop start(AppConfig config, VertxOptions vertxOptions) {
    return start(config, vertxOptions, StartupPhases.begin());
  }

  /** As {@link #start(AppConfig, VertxOptions)}, timing its phases on {@code phases} (DEBUG). */
  static Taskloop start(AppConfig config, VertxOptions vertxOptions, StartupPhases phases) {
    long startNanos = System.nanoTime();
    LogSetup.apply(config.observability().logFormat()); // before the first line of this start
    // a database that is not up yet gets DB_CONNECT_TIMEOUT_S from here, migration and ping alike
    long untilNanos = startNanos + config.poolGuards().startupTimeout().toNanos();
    String schemaVersion = migrate(config, untilNanos);
    phases.mark("migrate");
    var resources = new Resources();
    try {
      Telemetry telemetry = Telemetry.create(config, version());
      resources.add("telemetry", telemetry::close);
      resources.add("tracing", telemetry::closeTracing); // if startup fails (idempotent: see below)
      Vertx vertx =
          telemetry.vertx(new VertxOptions(vertxOptions).setEventLoopPoolSize(EVENT_LOOPS));
      resources.add("Vert.x", () -> awaitAtMost(vertx.close()));
      Database database = openDatabase(vertx, config, telemetry, resources, untilNanos);
      phases.mark("pools");
      Json.warmUp(TaskFeature.wireSample()); // on this thread, not the first requests' event loop
      var draining = new AtomicBoolean();
      Features features = Features.build(vertx, database, config, telemetry, resources);
      // Closed right after the HTTP servers, while Vert.x still runs (a stopped Vert.x may let the
      // JVM exit): exports the spans of the last requests.
      resources.add("tracing", telemetry::closeTracing);
      var ops = new Operations(config, telemetry, database);
      ops.listen(vertx, draining::get, resources); // before the servers: it closes after them
      phases.mark("features");
      HttpVerticle first =
          MainServers.listen(
              vertx, config, database, features, ops, telemetry, draining, resources);
      var app = new Taskloop(config, vertx, database, telemetry, first, ops, draining, resources);
      phases.mark("listen");
      app.logStarted(schemaVersion, startNanos);
      phases.log();
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

  /** The management listener's port ({@code MANAGEMENT_PORT}, or the one picked), else -1. */
  public int managementPort() {
    return operations.managementPort();
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The meters ({@code telemetry().scrape()} is what {@code /metrics} serves). */
  public Telemetry telemetry() {
    return telemetry;
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
