package dev.taskloop.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.ApiException;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter's rules on a simulated clock. */
class LoginLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LoginLimiter limiter =
      new LoginLimiter(
          AppConfig.fromEnv(Map.of("LOGIN_MAX_FAILURES", "3", "LOGIN_WINDOW_S", "900")).auth(),
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
          registry);

  private void fail(String email, String address) {
    limiter.login(email, address); // the attempt is not confirmed: it counts as a failure
  }

  @Test
  void anEmailIsLockedAfterItsFailuresFromAnyAddress() {
    fail("victim@example.com", "10.0.0.1");
    fail("Victim@Example.com", "10.0.0.2");
    fail("victim@example.com ", "10.0.0.3");
    var e = assertThrows(ApiException.class, () -> limiter.login("victim@example.com", "10.0.0.4"));
    assertEquals(429, e.kind().status());
    assertEquals(900, e.retryAfterSeconds());
    limiter.login("other@example.com", "10.0.0.4").succeeded(); // others are not affected
  }

  @Test
  void anAddressIsLockedAfterItsFailuresForAnyEmail() {
    fail("a@example.com", "10.0.0.9");
    fail("b@example.com", "10.0.0.9");
    fail("c@example.com", "10.0.0.9");
    assertThrows(ApiException.class, () -> limiter.login("d@example.com", "10.0.0.9"));
  }

  @Test
  void successesDoNotCount() {
    for (int i = 0; i < 10; i++) {
      limiter.login("ok@example.com", "10.0.0.5").succeeded();
    }
    fail("ok@example.com", "10.0.0.5");
    limiter.login("ok@example.com", "10.0.0.5").succeeded();
  }

  @Test
  void theLockEndsWhenTheWindowPasses() {
    for (int i = 0; i < 3; i++) {
      fail("late@example.com", "10.0.0." + i);
    }
    nanos.addAndGet(Duration.ofSeconds(600).toNanos());
    var e = assertThrows(ApiException.class, () -> limiter.login("late@example.com", "10.0.1.1"));
    assertEquals(300, e.retryAfterSeconds());
    nanos.addAndGet(Duration.ofSeconds(300).toNanos());
    limiter.login("late@example.com", "10.0.1.1").succeeded();
  }

  @Test
  void aRefusedAttemptDoesNotUseTheOtherBucket() {
    for (int i = 0; i < 3; i++) {
      fail("locked@example.com", "10.0.2." + i);
    }
    for (int i = 0; i < 5; i++) {
      assertThrows(ApiException.class, () -> limiter.login("locked@example.com", "10.0.3.1"));
    }
    limiter.login("fresh@example.com", "10.0.3.1").succeeded(); // 10.0.3.1 lost no tries
  }

  @Test
  void everyRefusalIsCountedByTheLimitThatWasReached() {
    for (int i = 0; i < 3; i++) {
      fail("counted@example.com", "10.0.4." + i);
    }
    assertThrows(ApiException.class, () -> limiter.login("counted@example.com", "10.0.4.9"));
    assertThrows(ApiException.class, () -> limiter.login("counted@example.com", "10.0.4.9"));
    for (int i = 0; i < 3; i++) {
      fail("other" + i + "@example.com", "10.0.5.1");
    }
    assertThrows(ApiException.class, () -> limiter.login("next@example.com", "10.0.5.1"));

    assertEquals(2, limited("email"));
    assertEquals(1, limited("address"));
    assertEquals(0, limited("user"));
  }

  private double limited(String limit) {
    return registry.get("taskloop.login.limited").tag("limit", limit).counter().count();
  }
}
