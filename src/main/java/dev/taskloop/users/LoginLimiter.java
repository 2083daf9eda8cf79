package dev.taskloop.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.UUID;

/**
 * Brute-force protection for password checks (Bucket4j token buckets): each email (or user) and
 * each client address may fail {@code LOGIN_MAX_FAILURES} times per {@code LOGIN_WINDOW_S}. A check
 * takes a token from both buckets before the password is verified, so parallel guesses cannot
 * outrun the count; a successful check gives the tokens back. With no token left the answer is 429
 * with {@code Retry-After}, right password or not. The window is fixed: it starts with the first
 * failure and refills whole when it ends.
 *
 * <p>Buckets live in memory on this instance (Caffeine, at most 100,000, dropped when idle for a
 * window). Behind a reverse proxy the client address is the proxy's: see the README.
 *
 * <p>Meters: {@code taskloop_login_limited_total{limit="email"|"user"|"address"}}, every 429 by the
 * bucket that was empty, and {@code taskloop_login_failures_total}, logins refused with 401 (wrong
 * email or password).
 */
final class LoginLimiter {
  private final Cache<String, Bucket> buckets;
  private final BucketConfiguration configuration;
  private final TimeMeter clock;
  private final Counter byEmail, byUser, byAddress, failedLogins;

  LoginLimiter(AppConfig.Auth config, MeterRegistry registry) {
    this(config, TimeMeter.SYSTEM_MILLISECONDS, Ticker.systemTicker(), registry);
  }

  /** With explicit clocks, for tests. */
  LoginLimiter(AppConfig.Auth config, TimeMeter clock, Ticker ticker, MeterRegistry registry) {
    this.clock = clock;
    this.byEmail = limited(registry, "email");
    this.byUser = limited(registry, "user");
    this.byAddress = limited(registry, "address");
    this.failedLogins =
        Counter.builder("taskloop.login.failures")
            .description("Logins refused with 401: wrong email or password")
            .register(registry);
    this.configuration =
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(config.loginMaxFailures())
                    .refillIntervally(config.loginMaxFailures(), config.loginWindow())
                    .build())
            .build();
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(config.loginWindow())
            .maximumSize(100_000)
            .ticker(ticker)
            .build();
  }

  /** One password check under way; call {@link #succeeded()} when the password was right. */
  final class Attempt {
    private final Bucket[] taken;

    private Attempt(Bucket... taken) {
      this.taken = taken;
    }

    /** Gives the tokens back: only failures count. */
    void succeeded() {
      for (Bucket bucket : taken) {
        bucket.addTokens(1);
      }
    }

    /** A login with a wrong email or password (the tokens stay taken); counted. */
    void loginFailed() {
      failedLogins.increment();
    }
  }

  /** A login attempt for {@code email} from {@code address}; 429 when either has no tries left. */
  Attempt login(String email, String address) {
    return attempt("email:" + email.strip().toLowerCase(Locale.ROOT), byEmail, address);
  }

  /** A check of a signed-in user's current password; 429 when the user or the address is out. */
  Attempt passwordCheck(UUID userId, String address) {
    return attempt("user:" + userId, byUser, address);
  }

  /** {@code limitedBySubject} counts the 429s that {@code subject}'s bucket causes. */
  private Attempt attempt(String subject, Counter limitedBySubject, String address) {
    Bucket first = bucket(subject);
    ConsumptionProbe probe = first.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      limitedBySubject.increment();
      throw tooMany(probe);
    }
    Bucket second = bucket("address:" + address);
    ConsumptionProbe other = second.tryConsumeAndReturnRemaining(1);
    if (!other.isConsumed()) {
      first.addTokens(1); // this attempt never ran
      byAddress.increment();
      throw tooMany(other);
    }
    return new Attempt(first, second);
  }

  private static Counter limited(MeterRegistry registry, String limit) {
    return Counter.builder("taskloop.login.limited")
        .description("Password checks refused with 429, by the limit that was reached")
        .tag("limit", limit)
        .register(registry);
  }

  private static ApiException tooMany(ConsumptionProbe probe) {
    long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
    return ApiException.retryLater(
        ProblemType.TOO_MANY_REQUESTS,
        "Too many failed password checks; try again later.",
        seconds);
  }

  private Bucket bucket(String key) {
    return buckets.get(
        key,
        k ->
            Bucket.builder()
                .withCustomTimePrecision(clock)
                .addLimit(configuration.getBandwidths()[0])
                .build());
  }
}
