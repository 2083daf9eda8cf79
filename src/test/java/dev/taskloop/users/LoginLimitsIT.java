package dev.taskloop.users;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.Parallel;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The login limits over HTTP, on SQLite (in memory) and on PostgreSQL (shared rows): strict per
 * email, much looser per address, a success clears its email. Across instances: ScaleOutIT; the
 * window's end on a simulated clock: MemoryLoginLimitsTest.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class LoginLimitsIT {
  private static final String PASSWORD = "correct horse battery";

  @org.junit.jupiter.params.Parameter TestDatabase database;

  private static String body(String email, String password) {
    return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
  }

  private static int login(Http anonymous, String email, String password) {
    return anonymous.post("/auth/api-keys", body(email, password)).status();
  }

  @Test
  void repeatedFailedLoginsAreThrottledWithRetryAfter() {
    var env = Map.of("LOGIN_MAX_FAILURES", "3", "LOGIN_WINDOW_S", "600");
    try (var limited = TestServer.start(database, env)) {
      Http anonymous = limited.anonymous();
      limited.signUp("victim@example.com", PASSWORD);
      assertEquals(201, login(anonymous, "victim@example.com", PASSWORD), "successes do not count");
      for (int i = 0; i < 3; i++) {
        assertEquals(401, login(anonymous, "victim@example.com", "guess-guess"));
      }
      var throttled = anonymous.post("/auth/api-keys", body("victim@example.com", PASSWORD));
      assertProblem(throttled, 429, "too-many-requests");
      long retryAfter = Long.parseLong(throttled.header("retry-after").orElseThrow());
      assertTrue(retryAfter >= 590 && retryAfter <= 600, "Retry-After " + retryAfter);
    }
  }

  @Test
  void parallelGuessesCannotOutrunTheLimit() throws Exception {
    var env = Map.of("LOGIN_MAX_FAILURES", "3", "LOGIN_WINDOW_S", "600");
    try (var limited = TestServer.start(database, env)) {
      limited.signUp("parallel@example.com", PASSWORD);
      var statuses =
          Parallel.run(10, () -> login(limited.anonymous(), "parallel@example.com", "guess-guess"));
      assertEquals(3, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
      assertEquals(7, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
    }
  }

  @Test
  void aLockedEmailDoesNotLockOutOthersBehindItsAddress() {
    try (var server = TestServer.start(database, Map.of("LOGIN_MAX_FAILURES", "5"))) {
      Http anonymous = server.anonymous();
      server.signUp("typist@example.com", PASSWORD);
      for (int i = 0; i < 5; i++) {
        assertEquals(401, login(anonymous, "typist@example.com", "typo-typo-" + i));
      }
      assertProblem(
          anonymous.post("/auth/api-keys", body("typist@example.com", PASSWORD)),
          429,
          "too-many-requests");
      assertEquals(201, server.loginOwner().status(), "the owner shares the address, not the lock");
    }
  }

  @Test
  void failuresFromOneAddressAreThrottledAcrossEmailsAtTheirOwnLimit() {
    var env = Map.of("LOGIN_MAX_FAILURES", "3", "LOGIN_MAX_FAILURES_PER_ADDRESS", "4");
    try (var limited = TestServer.start(database, env)) {
      for (int i = 0; i < 4; i++) {
        assertEquals(401, login(limited.anonymous(), "spray" + i + "@example.com", "guess-guess"));
      }
      assertProblem(limited.loginOwner(), 429, "too-many-requests");
      var limits = Scrape.of(limited.anonymous());
      assertEquals(1.0, limits.value("taskloop_login_limited_total", "limit", "address"));
      assertEquals(0.0, limits.value("taskloop_login_limited_total", "limit", "email"));
    }
  }

  @Test
  void aSuccessfulLoginClearsItsEmailsCount() {
    try (var server = TestServer.start(database, Map.of("LOGIN_MAX_FAILURES", "3"))) {
      Http anonymous = server.anonymous();
      server.signUp("forgetful@example.com", PASSWORD);
      for (int round = 0; round < 3; round++) { // 6 failures in the window, never 3 in a row
        assertEquals(401, login(anonymous, "forgetful@example.com", "not-it-" + round));
        assertEquals(401, login(anonymous, "forgetful@example.com", "nor-this-" + round));
        assertEquals(201, login(anonymous, "forgetful@example.com", PASSWORD), "round " + round);
      }
    }
  }

  @Test
  void concurrentRightAndWrongPasswordsNeverDeadlock() throws Exception {
    try (var server = TestServer.start(database, Map.of("LOGIN_MAX_FAILURES", "1000"))) {
      server.signUp("busy@example.com", PASSWORD);
      var counter = new java.util.concurrent.atomic.AtomicInteger();
      var statuses =
          Parallel.run(
              16,
              () ->
                  login(
                      server.anonymous(),
                      "busy@example.com",
                      counter.getAndIncrement() % 2 == 0 ? PASSWORD : "wrong-password"));
      assertEquals(8, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(8, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
    }
  }
}
