package dev.taskloop.users;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.observe.Telemetry.WorkMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id password hashing ({@link Argon2id}) on a bounded worker pool of its own: hashing is
 * deliberately slow and must never run on an event loop, nor starve the database's workers. Hashes
 * are PHC strings that record their parameters, so changing {@code PASSWORD_HASH_*} affects new
 * hashes while old ones still verify.
 *
 * <p>Meters: {@link WorkMeters} as {@code pool="password_hashing"} (hashes running, waiting, and
 * refused with 503).
 */
final class PasswordHasher {
  /** Hashes waiting or running, per worker, before new ones are refused with 503. */
  static final int QUEUE_PER_WORKER = 32;

  private final WorkerExecutor workers;
  private final Argon2id.Cost cost;
  private final SecureRandom random = new SecureRandom();
  private final String dummyHash;
  private final AtomicInteger inFlight = new AtomicInteger(); // running or waiting
  private final AtomicInteger running = new AtomicInteger();
  private final int maxInFlight;
  private final WorkMeters meters;

  PasswordHasher(Vertx vertx, AppConfig.Auth config, MeterRegistry registry) {
    this.maxInFlight = config.hashWorkers() * QUEUE_PER_WORKER;
    this.meters =
        WorkMeters.register(
            registry, "password_hashing", running::get, () -> inFlight.get() - running.get());
    this.workers =
        vertx.createSharedWorkerExecutor(
            "password-hashing", config.hashWorkers(), 60, TimeUnit.SECONDS);
    this.cost =
        new Argon2id.Cost(
            config.hashMemoryKib(), config.hashIterations(), config.hashParallelism());
    this.dummyHash = dummyHash(cost);
  }

  /**
   * Verified instead when the email is unknown, so that answer takes as long as a wrong password: a
   * PHC string with these parameters, a random salt and a random digest, which no password matches.
   * Written rather than computed, so that startup does not spend one Argon2 run on it.
   */
  private static String dummyHash(Argon2id.Cost cost) {
    var random = new SecureRandom();
    byte[] salt = new byte[Argon2id.SALT_BYTES];
    byte[] digest = new byte[Argon2id.HASH_BYTES];
    random.nextBytes(salt);
    random.nextBytes(digest);
    return Argon2id.phc(cost, salt, digest);
  }

  Future<String> hash(String password) {
    return bounded(
        () -> {
          byte[] salt = new byte[Argon2id.SALT_BYTES];
          random.nextBytes(salt);
          return Argon2id.hash(password, salt, cost);
        });
  }

  /**
   * Whether {@code password} matches {@code hash}; a null hash (unknown user) costs the same and
   * fails.
   */
  Future<Boolean> verify(String password, String hash) {
    String against = hash == null ? dummyHash : hash;
    return bounded(
        () -> {
          boolean ok = Argon2id.verify(password, against);
          return ok && hash != null;
        });
  }

  /**
   * Runs a hash on the workers unless too many are already queued: a flood of sign-ups or logins
   * then gets 503 at once instead of making every password check wait longer and longer.
   */
  private <T> Future<T> bounded(Callable<T> work) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      meters.rejected();
      return Future.failedFuture(
          ApiException.retryLater(
              ProblemType.SERVICE_UNAVAILABLE,
              "Too many password checks at once; retry later.",
              1));
    }
    Callable<T> counted =
        () -> {
          running.incrementAndGet();
          try {
            return work.call();
          } finally {
            running.decrementAndGet();
          }
        };
    return workers.executeBlocking(counted, false).andThen(done -> inFlight.decrementAndGet());
  }
}
