package dev.taskloop.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.taskloop.system.config.AppConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.Future;

/**
 * The {@link LoginLimits} of one instance (SQLite): Bucket4j token buckets in memory, one per
 * email, user and address (Caffeine, at most 100,000, dropped when idle for a window). Taking a
 * token is counting the attempt; a refused attempt gives back what it took.
 */
final class MemoryLoginLimits implements LoginLimits {
  private final Cache<String, Bucket> buckets;
  private final Bandwidth perSubject, perAddress;
  private final TimeMeter clock;
  private final LoginMeters meters;

  MemoryLoginLimits(AppConfig.Auth config, LoginMeters meters) {
    this(config, TimeMeter.SYSTEM_MILLISECONDS, Ticker.systemTicker(), meters);
  }

  /** With explicit clocks, for tests. */
  MemoryLoginLimits(AppConfig.Auth config, TimeMeter clock, Ticker ticker, LoginMeters meters) {
    this.clock = clock;
    this.meters = meters;
    this.perSubject = window(config.loginMaxFailures(), config);
    this.perAddress = window(config.loginMaxFailuresPerAddress(), config);
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(config.loginWindow())
            .maximumSize(100_000)
            .ticker(ticker)
            .build();
  }

  private static Bandwidth window(int tries, AppConfig.Auth config) {
    return Bandwidth.builder()
        .capacity(tries)
        .refillIntervally(tries, config.loginWindow())
        .build();
  }

  @Override
  public Future<Attempt> attempt(String subject, LoginMeters.Limit limit, String address) {
    Bucket first = bucket(subject, perSubject);
    ConsumptionProbe probe = first.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      meters.limited(limit);
      return Future.failedFuture(tooMany(probe));
    }
    Bucket second = bucket(LoginLimits.addressKey(address), perAddress);
    ConsumptionProbe other = second.tryConsumeAndReturnRemaining(1);
    if (!other.isConsumed()) {
      first.addTokens(1); // this attempt never ran
      meters.limited(LoginMeters.Limit.ADDRESS);
      return Future.failedFuture(tooMany(other));
    }
    return Future.succeededFuture(
        new Attempt() {
          @Override
          public Future<Void> succeeded() {
            first.reset(); // the email's (or user's) count starts over
            second.addTokens(1);
            return Future.succeededFuture();
          }

          @Override
          public void loginFailed() {
            meters.loginFailed();
          }
        });
  }

  private static RuntimeException tooMany(ConsumptionProbe probe) {
    return LoginLimits.tooMany((probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }

  private Bucket bucket(String key, Bandwidth limit) {
    return buckets.get(
        key, k -> Bucket.builder().withCustomTimePrecision(clock).addLimit(limit).build());
  }
}
