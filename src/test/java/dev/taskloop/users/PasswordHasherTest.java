package dev.taskloop.users;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.system.config.AppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The unknown-email path: its written (not computed) dummy hash is a valid Argon2id hash that no
 * password matches, and verifying against it costs a full hash, like a wrong password.
 */
class PasswordHasherTest {
  private static final AppConfig.Auth AUTH =
      new AppConfig.Auth(
          true, null, null, 4096, 2, 1, 1, 5, 100, Duration.ofMinutes(15), Duration.ofSeconds(5));

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void unknownUserNeverMatchesAndCostsAHash() {
    var hasher = new PasswordHasher(vertx, AUTH, new SimpleMeterRegistry());
    String hash = hasher.hash("correct horse").await();
    assertTrue(hasher.verify("correct horse", hash).await());
    assertFalse(hasher.verify("wrong horse", hash).await());
    long known = fastest(() -> hasher.verify("correct horse", hash).await());
    long unknown = fastest(() -> assertFalse(hasher.verify("correct horse", null).await()));
    assertTrue(unknown > known / 3, "unknown " + unknown + " ns, known " + known + " ns");
  }

  /** The fastest of 8 runs after 4 to warm up (the JIT): a lower bound of the cost. */
  private static long fastest(Runnable check) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 12; i++) {
      long start = System.nanoTime();
      check.run();
      if (i >= 4) {
        best = Math.min(best, System.nanoTime() - start);
      }
    }
    return best;
  }
}
