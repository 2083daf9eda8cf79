package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Eventually;
import dev.taskloop.support.FaultProxy;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java side of {@code pool_pre_ping}, on PostgreSQL: connections that the database or the
 * network cut while they sit in the pool (a restart, {@code pg_terminate_backend}, a firewall's
 * RST) are replaced, and the requests after the cut succeed: not 503, not 500. SQLite has no
 * network between the service and its file, so nothing of this applies to it (its pool guards are
 * in PoolGuardsIT).
 */
class DeadConnectionsIT {
  private static final Map<String, String> ENV =
      Map.of(
          "DB_POOL_SIZE", "4",
          "DB_POOL_ACQUIRE_TIMEOUT_MS", "1000",
          "DB_CONNECT_TIMEOUT_MS", "1000");

  /** Reads (one, a page) and a transaction: each is retried once when its connection was dead. */
  private static List<Supplier<Http.Response>> retried(Http http, long task, long category) {
    return List.of(
        () -> http.get("/tasks/" + task),
        () -> http.get("/tasks?limit=5"),
        () ->
            http.post(
                "/items", "{\"category_id\":" + category + ",\"name\":\"i\",\"price\":\"1.00\"}"));
  }

  /** Single writes: never retried once sent (they may have committed). */
  private static List<Supplier<Http.Response>> writes(Http http, long task) {
    return List.of(
        () -> http.patch("/tasks/" + task, "{\"title\":\"again\"}"),
        () -> http.post("/tasks", "{\"title\":\"after the cut\"}"));
  }

  /** Opens every connection of the pools: concurrent reads and writes. */
  private static void warm(Http http, long task) throws InterruptedException {
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofVirtual().start(() -> http.get("/tasks/" + task)));
      threads.add(
          Thread.ofVirtual().start(() -> http.patch("/tasks/" + task, "{\"title\":\"warm\"}")));
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static TestServer start(FaultProxy proxy) {
    return TestServer.start(TestDatabase.POSTGRESQL, ENV, TestServer.viaPort(proxy.port()));
  }

  /**
   * The request right after the cut, before the service may have read the close of the connection
   * it takes: a read or a transaction still succeeds (Resend), on a new connection.
   */
  @ParameterizedTest(name = "reset={0}")
  @ValueSource(booleans = {false, true})
  void readsAndTransactionsAtTheInstantOfACutSucceed(boolean reset) throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy)) {
      var http = server.http();
      long task = http.post("/tasks", "{\"title\":\"cut\"}").json().get("id").asLong();
      long category = http.post("/categories", "{\"name\":\"c\"}").json().get("id").asLong();
      var requests = retried(http, task, category);
      int acceptedBefore = proxy.accepted();
      for (int round = 0; round < 30; round++) {
        warm(http, task);
        assertTrue(proxy.open() >= 2, "pooled connections open: " + proxy.open());
        proxy.cutAll(reset);
        var response = requests.get(round % requests.size()).get();
        assertEquals(2, response.status() / 100, "round " + round + ": " + response);
      }
      assertTrue(
          proxy.accepted() >= acceptedBefore + 60,
          "the cut connections were replaced: " + (proxy.accepted() - acceptedBefore));
    }
  }

  /**
   * Once the service has read the close (within milliseconds; a restart takes longer), single
   * writes succeed too. The one write that raced the cut (taken and sent on a connection whose
   * close was not read yet) is 503 at worst, with Retry-After, and never applied twice.
   */
  @ParameterizedTest(name = "reset={0}")
  @ValueSource(booleans = {false, true})
  void writesSucceedOnceTheCutIsReadAndOneRacingItIs503AtWorst(boolean reset) throws Exception {
    try (var proxy = FaultProxy.to("127.0.0.1", 5432);
        var server = start(proxy)) {
      var http = server.http();
      long task = http.post("/tasks", "{\"title\":\"cut\"}").json().get("id").asLong();
      var racing = new TreeMap<Integer, Integer>();
      for (int round = 0; round < 20; round++) {
        warm(http, task);
        proxy.cutAll(reset);
        var raced = http.post("/tasks", "{\"title\":\"raced-" + round + "\"}");
        racing.merge(raced.status(), 1, Integer::sum);
        if (raced.status() == 503) {
          assertTrue(raced.header("retry-after").isPresent(), raced::toString);
        } else {
          assertEquals(201, raced.status(), raced::toString);
        }
        warm(http, task);
        proxy.cutAll(reset);
        Thread.sleep(50);
        for (var request : writes(http, task)) {
          var response = request.get();
          assertEquals(2, response.status() / 100, "round " + round + ": " + response);
        }
      }
      var db = (DatabaseUrl.Postgres) server.database().parsed();
      try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          var rows =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*), count(DISTINCT title) FROM tasks WHERE title LIKE 'raced-%'")) {
        rows.next();
        assertEquals(racing.getOrDefault(201, 0), rows.getInt(1), "stored = acknowledged");
        assertEquals(rows.getInt(1), rows.getInt(2), "none twice");
      }
    }
  }

  @Test
  void terminatedBackendsAreReplacedAndTheNextRequestsSucceed() throws Exception {
    try (var server = TestServer.start(TestDatabase.POSTGRESQL, ENV)) {
      var http = server.http();
      long task = http.post("/tasks", "{\"title\":\"terminated\"}").json().get("id").asLong();
      long category = http.post("/categories", "{\"name\":\"c\"}").json().get("id").asLong();
      var db = (DatabaseUrl.Postgres) server.database().parsed();
      for (int round = 0; round < 3; round++) {
        warm(http, task);
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
            var statement = c.createStatement()) {
          String ours =
              " FROM pg_stat_activity WHERE application_name = 'taskloop'"
                  + " AND datname = current_database()";
          var terminated = statement.executeQuery("SELECT count(pg_terminate_backend(pid))" + ours);
          terminated.next();
          assertTrue(terminated.getInt(1) >= 2, "connections terminated: " + terminated.getInt(1));
          awaitZero(statement, "SELECT count(*)" + ours); // a restart: the backends are gone
        }
        // The service has read the closes (its pools hold no connection): a single write sent in
        // the instant before may have committed and is not resent (a 503; the reads and
        // transactions of that instant are readsAndTransactionsAtTheInstantOfACutSucceed's).
        // Under load that instant stretches; this test is about what comes after it.
        var pools =
            Eventually.until(
                () -> server.app().database().pools(),
                now ->
                    now.stream()
                        .allMatch(pool -> pool.size() == 0 || "health".equals(pool.pool())));
        assertTrue(
            pools.stream().allMatch(pool -> pool.size() == 0 || "health".equals(pool.pool())),
            pools::toString);
        var requests = new ArrayList<>(writes(http, task));
        requests.addAll(retried(http, task, category));
        for (var request : requests) {
          var response = request.get();
          assertEquals(2, response.status() / 100, "round " + round + ": " + response);
        }
      }
    }
  }

  /**
   * The driver's own words for a statement given to a connection whose close it has read: the text
   * that {@link Resend#neverSent} (and DbErrors) recognise, so a driver that changes it fails here.
   */
  @Test
  void aStatementOnAConnectionKnownClosedIsNeverSent() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (var database = TestDatabase.POSTGRESQL.provision()) {
      var db = (DatabaseUrl.Postgres) database.parsed();
      var options =
          new PgConnectOptions()
              .setHost(db.host())
              .setPort(db.port())
              .setDatabase(db.database())
              .setUser(db.user());
      if (db.password() != null) {
        options.setPassword(db.password());
      }
      SqlConnection conn = PgConnection.connect(vertx, options).await();
      var closed = new CompletableFuture<Void>();
      conn.closeHandler(v -> closed.complete(null));
      int pid =
          conn.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
      try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
        c.createStatement().execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      closed.get(5, TimeUnit.SECONDS);
      Future<?> statement = conn.query("SELECT 1").execute();
      statement
          .toCompletionStage()
          .toCompletableFuture()
          .handle((r, e) -> r)
          .get(5, TimeUnit.SECONDS);
      assertTrue(statement.failed(), "a closed connection ran a statement");
      assertTrue(Resend.neverSent(statement.cause()), statement.cause().toString());
    } finally {
      vertx.close().await();
    }
  }

  private static void awaitZero(java.sql.Statement statement, String count) throws Exception {
    long until = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < until) {
      try (var rows = statement.executeQuery(count)) {
        rows.next();
        if (rows.getInt(1) == 0) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("backends still there after 5 s");
  }
}
