package dev.taskloop.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.ApiException;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory limits' rules on a simulated clock (the shared ones: LoginLimitsIT). */
class MemoryLoginLimitsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MemoryLoginLimits limiter =
      new MemoryLoginLimits(
          AppConfig.fromEnv(
                  Map.of(
                      "LOGIN_MAX_FAILURES", "3",
                      "LOGIN_MAX_FAILURES_PER_ADDRESS", "4",
                      "LOGIN_WINDOW_S", "900"))
              .auth(),
          new TimeMeter() {
            @Override
            public long currentTimeNanos() {
              return nanos.get();
            }

            @Override
            public boolean isWallClockBased() {
              return false;
            }
          },
          (Ticker) nanos::get,
          new LoginMeters(registry));

  private void fail(String email, String address) {
    login(email, address); // the attempt is not confirmed: it counts as a failure
  }

  private LoginLimits.Attempt login(String email, String address) {
    var attempt = limiter.login(email, address);
    if (attempt.failed()) {
      throw (RuntimeException) attempt.cause();
    }
    return attempt.result();
  }

  private void succeed(String email, String address) {
    assertTrue(login(email, address).succeeded().succeeded());
  }

  @Test
  void anEmailIsLockedAfterItsFailuresFromAnyAddress() {
    fail("victim@example.com", "10.0.0.1");
    fail("Victim@Example.com", "10.0.0.2");
    fail("victim@example.com ", "10.0.0.3");
    var e = assertThrows(ApiException.class, () -> login("victim@example.com", "10.0.0.4"));
    assertEquals(429, e.kind().status());
    assertEquals(900, e.retryAfterSeconds());
    succeed("other@example.com", "10.0.0.4"); // others are not affected
  }

  @Test
  void anAddressIsLockedAfterItsOwnHigherLimitForAnyEmail() {
    fail("a@example.com", "10.0.0.9");
    fail("b@example.com", "10.0.0.9");
    fail("c@example.com", "10.0.0.9");
    fail("d@example.com", "10.0.0.9"); // 3 per email, 4 per address
    assertThrows(ApiException.class, () -> login("e@example.com", "10.0.0.9"));
  }

  @Test
  void successesDoNotCountAndResetTheirEmail() {
    for (int i = 0; i < 10; i++) {
      succeed("ok@example.com", "10.0.0.5");
    }
    fail("ok@example.com", "10.0.0.6");
    fail("ok@example.com", "10.0.0.7");
    succeed("ok@example.com", "10.0.0.5");
    fail("ok@example.com", "10.0.0.6");
    fail("ok@example.com", "10.0.0.7");
    succeed("ok@example.com", "10.0.0.5"); // 4 failures in the window, 2 since the success
  }

  @Test
  void theLockEndsWhenTheWindowPasses() {
    for (int i = 0; i < 3; i++) {
      fail("late@example.com", "10.0.0." + i);
    }
    nanos.addAndGet(Duration.ofSeconds(600).toNanos());
    var e = assertThrows(ApiException.class, () -> login("late@example.com", "10.0.1.1"));
    assertEquals(300, e.retryAfterSeconds());
    nanos.addAndGet(Duration.ofSeconds(300).toNanos());
    succeed("late@example.com", "10.0.1.1");
  }

  @Test
  void aRefusedAttemptDoesNotUseTheOtherBucket() {
    for (int i = 0; i < 3; i++) {
      fail("locked@example.com", "10.0.2." + i);
    }
    for (int i = 0; i < 5; i++) {
      assertThrows(ApiException.class, () -> login("locked@example.com", "10.0.3.1"));
    }
    for (int i = 0; i < 3; i++) {
      fail("fresh" + i + "@example.com", "10.0.3.1");
    }
    succeed("fresh@example.com", "10.0.3.1"); // 10.0.3.1 lost no tries to the refusals
  }

  @Test
  void everyRefusalIsCountedByTheLimitThatWasReached() {
    for (int i = 0; i < 3; i++) {
      fail("counted@example.com", "10.0.4." + i);
    }
    assertThrows(ApiException.class, () -> login("counted@example.com", "10.0.4.9"));
    assertThrows(ApiException.class, () -> login("counted@example.com", "10.0.4.9"));
    for (int i = 0; i < 4; i++) {
      fail("other" + i + "@example.com", "10.0.5.1");
    }
    assertThrows(ApiException.class, () -> login("next@example.com", "10.0.5.1"));

    assertEquals(2, limited("email"));
    assertEquals(1, limited("address"));
    assertEquals(0, limited("user"));
  }

  private double limited(String limit) {
    return registry.get("taskloop.login.limited").tag("limit", limit).counter().count();
  }
}
