package dev.taskloop.users;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.text.Emails;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * Brute-force protection for password checks. Each email (or signed-in user) may fail {@code
 * LOGIN_MAX_FAILURES} times per {@code LOGIN_WINDOW_S}, strictly; each client address ({@link
 * dev.taskloop.system.http.ClientAddress}) may fail {@code LOGIN_MAX_FAILURES_PER_ADDRESS} times,
 * for any emails, so that the people behind one NAT do not lock each other out. An attempt is
 * counted before the password is verified, so parallel guesses cannot outrun the count; past either
 * limit the answer is 429 with {@code Retry-After}, right password or not, and the refused attempt
 * counts for neither. A successful check clears its email's (or user's) count and gives back its
 * address's try. The window is fixed: it starts with the first failure and ends whole.
 *
 * <p>On PostgreSQL the counts are shared by every instance ({@link SharedLoginLimits}); SQLite is
 * one instance by nature and keeps them in memory ({@link MemoryLoginLimits}).
 */
interface LoginLimits {

  /** A login attempt for {@code email} from {@code address}; fails with 429 when out of tries. */
  default Future<Attempt> login(String email, String address) {
    return attempt("email:" + Emails.key(email), LoginMeters.Limit.EMAIL, address);
  }

  /** A check of a signed-in user's current password; fails with 429 when out of tries. */
  default Future<Attempt> passwordCheck(UUID userId, String address) {
    return attempt("user:" + userId, LoginMeters.Limit.USER, address);
  }

  /**
   * Counts an attempt for {@code subject} (its 429s metered as {@code limit}) and for {@code
   * address}, whose bucket is {@code "address:" + address}.
   */
  Future<Attempt> attempt(String subject, LoginMeters.Limit limit, String address);

  /** Stops background work (the shared limits' clean-up of old windows). */
  default void close() {}

  /** One counted password check; report how it went. */
  interface Attempt {
    /** The password was right: clears the email's count; completes once that is recorded. */
    Future<Void> succeeded();

    /** A login with a wrong email or password (the attempt stays counted); metered. */
    void loginFailed();
  }

  /** The limits for {@code config.database()}'s kind. */
  static LoginLimits create(
      Vertx vertx, Database database, AppConfig config, MeterRegistry registry) {
    var meters = new LoginMeters(registry);
    return config.database() instanceof DatabaseUrl.Postgres
        ? new SharedLoginLimits(vertx, new LoginFailureRepository(database), config.auth(), meters)
        : new MemoryLoginLimits(config.auth(), meters);
  }

  static String addressKey(String address) {
    return "address:" + address;
  }

  /** The 429 of a check that would go past a limit whose window ends in {@code seconds}. */
  static ApiException tooMany(long seconds) {
    return ApiException.retryLater(
        ProblemType.TOO_MANY_REQUESTS,
        "Too many failed password checks; try again later.",
        Math.max(1, seconds));
  }
}
