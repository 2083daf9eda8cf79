package dev.taskloop.support;

import dev.taskloop.Taskloop;
import dev.taskloop.system.config.AppConfig;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The real service, started in-process on a random port against a fresh database, with the
 * blocked-thread checker tightened to 200 ms (see {@link BlockedThreadWatch}).
 */
public final class TestServer implements AutoCloseable {
  /** Event-loop blocking longer than this is a test failure. */
  public static final long MAX_EVENT_LOOP_MILLIS = 200;

  /** The user every test server starts with; {@link #http()} acts as this user. */
  public static final String OWNER_EMAIL = "owner@example.com";

  public static final String OWNER_PASSWORD = "owner-password-1";

  private final TestDatabase.Provisioned database;
  private final Taskloop app;
  private final Http anonymous;
  private Http http;
  private String ownerId;

  private TestServer(TestDatabase.Provisioned database, Taskloop app) {
    this.database = database;
    this.app = app;
    this.anonymous = new Http("http://127.0.0.1:" + app.port());
  }

  public static TestServer start(TestDatabase kind) {
    return start(kind, Map.of());
  }

  /** Starts on {@code kind} with extra environment variables (e.g. a small pool). */
  public static TestServer start(TestDatabase kind, Map<String, String> env) {
    return start(kind, env, UnaryOperator.identity());
  }

  /**
   * Starts on {@code kind}, reaching the database at the URL {@code route} makes of the provisioned
   * one (e.g. through a {@link FaultProxy}: {@link #viaPort}).
   */
  public static TestServer start(
      TestDatabase kind, Map<String, String> env, UnaryOperator<String> route) {
    var database = kind.provision();
    int mark = BlockedThreadWatch.mark();
    try {
      var config = AppConfig.fromEnv(throughPgBouncer(kind, database, route, env));
      var server = new TestServer(database, Taskloop.start(config, vertxOptions()));
      try {
        server.warmUp(config.auth().signupEnabled());
      } catch (RuntimeException | Error e) {
        server.app.shutdown();
        throw e;
      }
      BlockedThreadWatch.forgetSince(mark);
      return server;
    } catch (RuntimeException | Error e) {
      database.close();
      throw e;
    }
  }

  /**
   * The service's environment; in the {@link PgBouncer} run, a PostgreSQL server reaches its
   * database through PgBouncer and listens on the direct URL.
   */
  private static Map<String, String> throughPgBouncer(
      TestDatabase kind,
      TestDatabase.Provisioned database,
      UnaryOperator<String> route,
      Map<String, String> env) {
    if (kind != TestDatabase.POSTGRESQL || !PgBouncer.enabled()) {
      return environment(route.apply(database.url()), env);
    }
    var pg = (dev.taskloop.system.config.DatabaseUrl.Postgres) database.parsed();
    int port = PgBouncer.in(pg.host(), pg.port()).port();
    var extra = new HashMap<>(env);
    extra.put("DB_PGBOUNCER", "true");
    extra.put("DATABASE_LISTEN_URL", database.url());
    return environment(viaPort(port).apply(route.apply(database.url())), extra);
  }

  /** A PostgreSQL URL with its port replaced: the service then talks to whatever listens there. */
  public static UnaryOperator<String> viaPort(int port) {
    return url -> url.replaceFirst(":[0-9]+/", ":" + port + "/");
  }

  public static Map<String, String> environment(String databaseUrl, Map<String, String> extra) {
    var env = new HashMap<String, String>();
    env.put("DATABASE_URL", databaseUrl);
    env.put("PORT", "0");
    env.put("SHUTDOWN_GRACE_S", "5");
    // Cheap Argon2id for tests: the parameters are recorded in each hash, so nothing else changes.
    env.put("PASSWORD_HASH_MEMORY_KIB", "256");
    env.put("PASSWORD_HASH_ITERATIONS", "1");
    // Keys stay cached for the longest allowed time, so a test that sees a revoked key fail has
    // seen the eviction work, not the cache expire.
    env.put("AUTH_CACHE_TTL_S", "60");
    env.putAll(extra);
    if ("false".equals(env.get("SIGNUP_ENABLED"))) {
      env.putIfAbsent("ADMIN_EMAIL", OWNER_EMAIL);
      env.putIfAbsent("ADMIN_PASSWORD", OWNER_PASSWORD);
    }
    return env;
  }

  public static VertxOptions vertxOptions() {
    return new VertxOptions()
        .setBlockedThreadCheckInterval(50)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Signs up the owner (the first-use class loading of every layer happens here), then one read,
   * one 404 and one 422 as the owner, without writing a task.
   */
  private void warmUp(boolean signupEnabled) {
    if (signupEnabled) {
      var signedUp = signUp(OWNER_EMAIL, OWNER_PASSWORD);
      ownerId = signedUp.get("user").get("id").asText();
      http = anonymous.withKey(signedUp.get("api_key").get("key").asText());
    } else { // the owner is the admin created at startup (see environment)
      var login = loginOwner();
      http = anonymous.withKey(login.json().get("key").asText());
      ownerId = http.get("/users/me").json().get("id").asText();
    }
    http.get("/tasks?limit=1");
    http.get("/tasks/1");
    http.get("/tasks/x");
  }

  /** Signs up a user; the response body ({@code user}, {@code api_key}). */
  public com.fasterxml.jackson.databind.JsonNode signUp(String email, String password) {
    var response =
        anonymous.post("/users", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    if (response.status() != 201) {
      throw new AssertionError("sign-up of " + email + " failed: " + response);
    }
    return response.json();
  }

  /** {@code POST /auth/api-keys} for the owner (signed up at start). */
  public Http.Response loginOwner() {
    return anonymous.post(
        "/auth/api-keys",
        "{\"email\":\"" + OWNER_EMAIL + "\",\"password\":\"" + OWNER_PASSWORD + "\"}");
  }

  /** A client acting as the user who logs in with {@code email} and {@code password}. */
  public Http loggedIn(String email, String password) {
    var login =
        anonymous.post(
            "/auth/api-keys", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    if (login.status() != 201) {
      throw new AssertionError("login of " + email + " failed: " + login);
    }
    return anonymous.withKey(login.json().get("key").asText());
  }

  /** A client acting as a freshly signed-up user. */
  public Http newUser(String email) {
    return anonymous.withKey(
        signUp(email, "password-of-" + email).get("api_key").get("key").asText());
  }

  /** A client acting as the owner (signed up at start). */
  public Http http() {
    return http;
  }

  /** The owner's user id. */
  public String ownerId() {
    return ownerId;
  }

  /** A client without credentials. */
  public Http anonymous() {
    return anonymous;
  }

  public Taskloop app() {
    return app;
  }

  public TestDatabase.Provisioned database() {
    return database;
  }

  /** Runs one statement through the service's own write pool (fixtures, cleanup, sabotage). */
  public void sql(String statement) {
    app.database().write(statement, Map.of()).await();
  }

  @Override
  public void close() {
    try {
      app.shutdown();
    } finally {
      database.close();
    }
  }
}
