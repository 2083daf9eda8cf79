package dev.taskloop.users;

import dev.taskloop.system.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LoginLimits} of every instance on one PostgreSQL: one atomic upsert per attempt counts
 * it on both buckets through the reactive client ({@link LoginFailureRepository}), so N instances
 * behind a load balancer share one count, and no request waits on blocking JDBC. Rows of ended
 * windows are deleted once a minute by every instance (cheap and idempotent).
 */
final class SharedLoginLimits implements LoginLimits {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLoginLimits.class);
  private static final long CLEAN_UP_PERIOD_MS = 60_000;

  private final Vertx vertx;
  private final LoginFailureRepository failures;
  private final int perSubject, perAddress;
  private final long windowSeconds;
  private final LoginMeters meters;
  private final long cleaner;

  SharedLoginLimits(
      Vertx vertx, LoginFailureRepository failures, AppConfig.Auth config, LoginMeters meters) {
    this.vertx = vertx;
    this.failures = failures;
    this.perSubject = config.loginMaxFailures();
    this.perAddress = config.loginMaxFailuresPerAddress();
    this.windowSeconds = config.loginWindow().toSeconds();
    this.meters = meters;
    this.cleaner = vertx.setPeriodic(CLEAN_UP_PERIOD_MS, id -> cleanUp());
  }

  @Override
  public void close() {
    vertx.cancelTimer(cleaner);
  }

  @Override
  public Future<Attempt> attempt(String subject, LoginMeters.Limit limit, String address) {
    String addressKey = LoginLimits.addressKey(address);
    return failures
        .count(subject, addressKey, windowSeconds)
        .compose(
            counts -> {
              LoginFailureRepository.Count over =
                  counts[0].failures() > perSubject
                      ? counts[0]
                      : counts[1].failures() > perAddress ? counts[1] : null;
              if (over == null) {
                return Future.succeededFuture(counted(subject, addressKey));
              }
              meters.limited(over == counts[0] ? limit : LoginMeters.Limit.ADDRESS);
              return failures
                  .uncount(subject, addressKey)
                  .transform(done -> Future.failedFuture(LoginLimits.tooMany(over.secondsLeft())));
            });
  }

  private Attempt counted(String subject, String addressKey) {
    return new Attempt() {
      @Override
      public Future<Void> succeeded() { // best effort: a right password is never refused for it
        return failures
            .succeeded(subject, addressKey)
            .recover(
                e -> {
                  LOG.warn("could not clear a login-limit count after a success: {}", e.toString());
                  return Future.succeededFuture();
                });
      }

      @Override
      public void loginFailed() {
        meters.loginFailed();
      }
    };
  }

  private void cleanUp() {
    failures
        .cleanUp()
        .onSuccess(rows -> LOG.debug("deleted {} ended login-limit windows", rows))
        .onFailure(e -> LOG.debug("could not delete ended login-limit windows: {}", e.toString()));
  }
}
