package dev.taskloop.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.taskloop.system.config.AuthConfig;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Locale;

/**
 * Brute-force protection for logins (Bucket4j token buckets): each email and each client address
 * may fail {@code LOGIN_MAX_FAILURES} times per {@code LOGIN_WINDOW_S}; past that, logins for it
 * get 429 with {@code Retry-After} until the window refills, whether the password is right or not.
 * Buckets live in memory on this instance (Caffeine, dropped when idle for a window).
 */
public final class LoginLimiter {
  private final Cache<String, Bucket> buckets;
  private final int maxFailures;
  private final Duration window;

  public LoginLimiter(AuthConfig config) {
    this.maxFailures = config.loginMaxFailures();
    this.window = config.loginWindow();
    this.buckets = Caffeine.newBuilder().expireAfterAccess(window).maximumSize(1_000_000).build();
  }

  /** Throws 429 when the email or the address has no failures left in its window. */
  public void check(String email, String address) {
    long waitNanos =
        Math.max(waitNanos("email:" + normalize(email)), waitNanos("address:" + address));
    if (waitNanos > 0) {
      throw ApiException.retryLater(
          ProblemType.TOO_MANY_REQUESTS,
          "Too many failed logins; try again later.",
          (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
  }

  /** Counts one failed login against both the email and the address. */
  public void failed(String email, String address) {
    bucket("email:" + normalize(email)).tryConsume(1);
    bucket("address:" + address).tryConsume(1);
  }

  private long waitNanos(String key) {
    Bucket bucket = buckets.getIfPresent(key);
    if (bucket == null || bucket.getAvailableTokens() > 0) {
      return 0;
    }
    return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
  }

  private Bucket bucket(String key) {
    return buckets.get(
        key,
        k ->
            Bucket.builder()
                .addLimit(
                    Bandwidth.builder()
                        .capacity(maxFailures)
                        .refillIntervally(maxFailures, window)
                        .build())
                .build());
  }

  private static String normalize(String email) {
    return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
  }
}
