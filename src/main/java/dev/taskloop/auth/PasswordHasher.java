package dev.taskloop.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.taskloop.system.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id password hashing (password4j) on a bounded worker pool of its own: hashing is
 * deliberately slow and must never run on an event loop, nor starve the database's workers. Hashes
 * are PHC strings that record their parameters, so changing {@code PASSWORD_HASH_*} affects new
 * hashes while old ones still verify.
 */
public final class PasswordHasher {
  private final WorkerExecutor workers;
  private final Argon2Function function;
  private final String dummyHash;

  public PasswordHasher(Vertx vertx, AuthConfig config) {
    this.workers =
        vertx.createSharedWorkerExecutor(
            "password-hashing", config.hashWorkers(), 60, TimeUnit.SECONDS);
    this.function =
        Argon2Function.getInstance(
            config.hashMemoryKib(),
            config.hashIterations(),
            config.hashParallelism(),
            32,
            Argon2.ID,
            19);
    // Verified instead when the email is unknown, so that answer takes as long as a wrong password.
    this.dummyHash =
        Password.hash("not a real password").addRandomSalt(16).with(function).getResult();
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(
        () -> Password.hash(password).addRandomSalt(16).with(function).getResult(), false);
  }

  /**
   * Whether {@code password} matches {@code hash}; a null hash (unknown user) costs the same and
   * fails.
   */
  public Future<Boolean> verify(String password, String hash) {
    String against = hash == null ? dummyHash : hash;
    return workers.executeBlocking(
        () -> {
          boolean ok =
              Password.check(password, against).with(Argon2Function.getInstanceFromHash(against));
          return ok && hash != null;
        },
        false);
  }

  public Future<Void> close() {
    return workers.close();
  }
}
