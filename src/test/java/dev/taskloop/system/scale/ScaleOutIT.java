package dev.taskloop.system.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskloop.support.Eventually;
import dev.taskloop.support.Http;
import dev.taskloop.support.Nginx;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.ServiceProcess;
import dev.taskloop.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of the packaged service (A and B, own processes) on one PostgreSQL, behind Debian's
 * nginx: what must hold across instances holds through PostgreSQL. Front 0 balances over both,
 * front 1 reaches only A (which trusts the proxy: {@code TRUSTED_PROXIES=127.0.0.1}), front 2 only
 * B (which does not). PostgreSQL only: SQLite is one instance by nature. The last test stops B the
 * way a readiness-aware balancer would: SIGTERM, readiness 503, out of rotation, exit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
  static final String PASSWORD = "correct horse battery";
  static final int MAX_FAILURES = 4;

  static Path dir;
  static TestDatabase.Provisioned database;
  static ServiceProcess a, b;
  static int portA, portB;
  static Http directA, directB;
  static Nginx nginx;
  static Http balanced;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("taskloop-scale");
    database = TestDatabase.POSTGRESQL.provision();
    var env = new HashMap<String, String>();
    env.put("DATABASE_URL", database.url());
    env.put("PORT", "0");
    env.put("PASSWORD_HASH_MEMORY_KIB", "256");
    env.put("PASSWORD_HASH_ITERATIONS", "1");
    env.put("AUTH_CACHE_TTL_S", "60"); // revocation must not wait for the cache to expire
    env.put("LOGIN_MAX_FAILURES", Integer.toString(MAX_FAILURES));
    env.put("SHUTDOWN_DELAY_S", "3");
    env.put("SHUTDOWN_GRACE_S", "10");
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    var trusting = new HashMap<>(env);
    trusting.put("TRUSTED_PROXIES", "127.0.0.1");
    a = ServiceProcess.start(dir.resolve("a"), trusting);
    b = ServiceProcess.start(dir.resolve("b"), env);
    int portA = a.awaitPort(), portB = b.awaitPort();
    ScaleOutIT.portA = portA;
    ScaleOutIT.portB = portB;
    directA = new Http("http://127.0.0.1:" + portA);
    directB = new Http("http://127.0.0.1:" + portB);
    Files.createDirectories(dir.resolve("nginx"));
    nginx =
        Nginx.start(
            dir.resolve("nginx"), List.of(List.of(portA, portB), List.of(portA), List.of(portB)));
    balanced = new Http("http://127.0.0.1:" + nginx.port(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    for (ServiceProcess process : new ServiceProcess[] {a, b}) {
      if (process != null) {
        process.close();
      }
    }
    if (database != null) {
      database.close();
    }
  }

  static Http.Response signUp(Http http, String email) {
    return http.post("/users", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
  }

  static Http.Response login(Http http, String email, String password) {
    return http.post(
        "/auth/api-keys", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  @Order(1)
  void signUpRaceAcrossInstancesGivesOne201() throws Exception {
    var statuses = Parallel.run(8, () -> signUp(balanced, "race@example.com").status());
    assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
    assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    for (ServiceProcess instance : new ServiceProcess[] {a, b}) { // both took part
      assertTrue(
          Eventually.until(instance::output, out -> out.contains("POST /users "))
              .contains("POST /users "),
          instance.output());
    }
  }

  /** A user with two keys: the first to manage, the second to revoke; its key id and secret. */
  static String[] userWithSpareKey(String email) {
    var signedUp = signUp(directA, email);
    assertEquals(201, signedUp.status(), signedUp::toString);
    Http manager = directA.withKey(signedUp.json().get("api_key").get("key").asText());
    JsonNode spare = manager.post("/users/me/api-keys", "{\"name\":\"spare\"}").json();
    return new String[] {
      signedUp.json().get("api_key").get("key").asText(),
      spare.get("id").asText(),
      spare.get("key").asText()
    };
  }

  /** Revokes the spare key through A; how long B went on accepting it, in ms. */
  static long revokeOnAUntilRefusedOnB(String[] user) {
    Http onB = directB.withKey(user[2]);
    assertEquals(200, onB.get("/tasks").status(), "B has verified (and cached) the key");
    assertEquals(204, directA.withKey(user[0]).delete("/users/me/api-keys/" + user[1]).status());
    long revoked = System.nanoTime();
    int status = Eventually.until(() -> onB.get("/tasks").status(), s -> s == 401);
    assertEquals(401, status, "B refuses the revoked key");
    long millis = (System.nanoTime() - revoked) / 1_000_000;
    System.out.println("ScaleOutIT: a key revoked on A was refused on B after " + millis + " ms");
    return millis;
  }

  @Test
  @Order(2)
  void aKeyRevokedThroughAFailsOnBWithinOneSecond() {
    long millis = revokeOnAUntilRefusedOnB(userWithSpareKey("revoked@example.com"));
    assertTrue(millis < 1_000, "refused on B after " + millis + " ms");
  }

  @Test
  @Order(3)
  void aPasswordChangeThroughARevokesTheOtherKeysOnBAtOnce() {
    String[] user = userWithSpareKey("changed@example.com");
    Http onB = directB.withKey(user[2]);
    assertEquals(200, onB.get("/users/me").status());
    var changed =
        directA
            .withKey(user[0])
            .patch(
                "/users/me",
                "{\"password\":\"new password 1\",\"current_password\":\"" + PASSWORD + "\"}");
    assertEquals(200, changed.status(), changed::toString);
    assertEquals(401, Eventually.until(() -> onB.get("/users/me").status(), s -> s == 401));
  }

  @Test
  @Order(4)
  void loginFailuresSpreadOverBothInstancesHitTheSharedLimit() {
    assertEquals(201, signUp(directA, "guessed@example.com").status());
    for (int i = 0; i < MAX_FAILURES; i++) {
      Http instance = i % 2 == 0 ? directA : directB;
      assertEquals(401, login(instance, "guessed@example.com", "guess-guess-" + i).status());
    }
    assertEquals(429, login(directA, "guessed@example.com", PASSWORD).status());
    assertEquals(429, login(directB, "guessed@example.com", PASSWORD).status());
  }

  @Test
  @Order(5)
  void revocationStillPropagatesAfterTheListenersConnectionIsKilled() throws Exception {
    assertEquals(2, terminateListeners(), "each instance holds one LISTEN connection");
    long deadline = System.currentTimeMillis() + 15_000;
    while (listeners() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(2, listeners(), "both listeners are back");
    long millis = revokeOnAUntilRefusedOnB(userWithSpareKey("after-kill@example.com"));
    assertTrue(millis < 1_000, "refused on B after " + millis + " ms");
    assertTrue(a.output().contains("LISTEN connection to PostgreSQL was lost"), a.output());
  }

  private static int terminateListeners() throws Exception {
    return count(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE application_name = 'taskloop-listen' AND datname = current_database()");
  }

  private static int listeners() throws Exception {
    return count(
        "SELECT count(*) FROM pg_stat_activity"
            + " WHERE application_name = 'taskloop-listen' AND datname = current_database()");
  }

  private static int count(String sql) throws Exception {
    var pg = (dev.taskloop.system.config.DatabaseUrl.Postgres) database.parsed();
    try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        var rows = c.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  @Order(6)
  void theClientAddressBehindNginxIsTheRealOneOnlyFromTrustedProxies() throws Exception {
    ClientAddressProbe.send(nginx.port(1), "addr-trusted");
    ClientAddressProbe.send(nginx.port(2), "addr-untrusted");
    assertEquals("127.0.0.2", ClientAddressProbe.loggedClient(a, "addr-trusted"), a.output());
    assertEquals("127.0.0.1", ClientAddressProbe.loggedClient(b, "addr-untrusted"), b.output());
  }

  @Test
  @Order(7)
  void sigtermToOneInstanceUnderLoadLosesNoRequest() throws Exception {
    var load =
        new Load(
            balanced.withKey(
                signUp(balanced, "load@example.com").json().get("api_key").get("key").asText()));
    load.start(4);
    Thread.sleep(1_000);
    b.terminate();
    // what a readiness-aware balancer does, done by hand for nginx (see deploy/nginx.conf)
    int ready = Eventually.until(() -> directB.get("/health/ready").status(), s -> s == 503);
    assertEquals(503, ready, "B's readiness turns 503 at once, while it still serves");
    Thread.sleep(500); // B serves its share of the load while it reports 503
    load.pause(); // nginx's reload loses requests of its own (see Nginx.reload)
    nginx.reload(List.of(List.of(portA), List.of(portA), List.of(portB)));
    load.resume();
    assertEquals(0, b.awaitExit(30), b.output());
    String drained = b.output().substring(b.output().indexOf("shutting down"));
    assertTrue(drained.contains("POST /tasks 201 "), "B served while draining: " + drained);
    Thread.sleep(1_000); // A alone serves everything now
    Load.Result result = load.stop();
    assertTrue(result.ok() > 100, result.toString());
    assertEquals(List.of(), result.failures(), result.toString());
  }
}
