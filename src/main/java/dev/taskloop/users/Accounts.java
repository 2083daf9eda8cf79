package dev.taskloop.users;

import dev.taskloop.auth.ApiKey;
import dev.taskloop.auth.ApiKeyRepository;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.auth.NewApiKey;
import dev.taskloop.auth.Principal;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.DatabaseException;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.text.Emails;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The account use cases that span users and API keys: sign-up (user and first key in one
 * transaction), login, key management, password change (which revokes the user's other keys),
 * deactivation. Every change that makes keys invalid evicts them from the {@link Authenticator}'s
 * cache at once, and announces it to the other instances in its own transaction.
 */
final class Accounts {
  private final Database db;
  private final UserRepository users;
  private final ApiKeyRepository keys;
  private final PasswordHasher hasher;
  private final LoginLimits limiter;
  private final Authenticator authenticator;
  private final AppConfig.Auth config;

  /** The answer to a sign-up: the user and its first key. */
  public record SignedUp(User user, NewApiKey apiKey) {}

  Accounts(
      Database db,
      UserRepository users,
      ApiKeyRepository keys,
      PasswordHasher hasher,
      LoginLimits limiter,
      Authenticator authenticator,
      AppConfig.Auth config) {
    this.db = db;
    this.users = users;
    this.keys = keys;
    this.hasher = hasher;
    this.limiter = limiter;
    this.authenticator = authenticator;
    this.config = config;
  }

  Future<SignedUp> signUp(String email, String password, String name) {
    if (!config.signupEnabled()) {
      return Future.failedFuture(ApiException.forbidden("Sign-up is disabled on this service."));
    }
    return hasher
        .hash(password)
        .compose(
            hash ->
                db.inTransaction(
                    tx ->
                        users
                            .create(tx, email, name, hash, false)
                            .compose(
                                user ->
                                    keys.create(db.within(tx), user.id(), "default", null)
                                        .map(key -> new SignedUp(user, key)))))
        .recover(Accounts::emailTaken);
  }

  /**
   * Checks email and password (counted by the {@link LoginLimits} before the check runs); a new key
   * for the user, or the same 401 for every failure.
   */
  Future<NewApiKey> login(
      String email, String password, String address, String keyName, Integer days) {
    if (Emails.problem(email) != null) { // no account has it: nothing to count, look up or hash
      return Future.failedFuture(wrongCredentials());
    }
    return limiter
        .login(email, address)
        .compose(
            attempt -> users.findForLogin(email).compose(found -> check(attempt, found, password)))
        .compose(user -> keys.create(db.autoCommit(), user.id(), keyName, expiry(days)));
  }

  /** The one answer to a failed login, whatever failed. */
  private static ApiException wrongCredentials() {
    return new ApiException(ProblemType.UNAUTHORIZED, "Wrong email or password.");
  }

  private Future<User> check(
      LoginLimits.Attempt attempt, Optional<UserRepository.Credentials> found, String password) {
    return hasher
        .verify(password, found.map(UserRepository.Credentials::passwordHash).orElse(null))
        .compose(
            ok -> {
              if (!ok || !found.get().user().isActive()) {
                attempt.loginFailed();
                throw wrongCredentials();
              }
              return attempt.succeeded().map(done -> found.get().user());
            });
  }

  Future<User> me(Principal caller) {
    return users.find(caller.userId()).map(user -> user.orElseThrow(ApiException::unauthorized));
  }

  /**
   * Renames, and/or changes the password: the current one is checked (and counted like a login),
   * then the new hash, the name and the revocation of every other key commit together.
   */
  Future<User> updateMe(
      Principal caller, String address, UserPatch patch, Writes.Expected expected) {
    if (patch.password() == null) {
      return patch.setName()
          ? users.setName(caller.userId(), patch.name(), expected).compose(done -> me(caller))
          : me(caller).map(user -> Writes.unchanged(expected, user.version(), user));
    }
    return fresh(caller, expected)
        .compose(fresh -> limiter.passwordCheck(caller.userId(), address))
        .compose(
            attempt ->
                users
                    .passwordHash(caller.userId())
                    .compose(hash -> hasher.verify(patch.currentPassword(), hash.orElse(null)))
                    .compose(
                        ok -> {
                          if (!ok) {
                            throw ApiException.validation("current_password", "is not correct");
                          }
                          return attempt.succeeded();
                        }))
        .compose(done -> hasher.hash(patch.password()))
        .compose(
            hash ->
                db.inTransaction(
                    tx ->
                        users
                            .setPassword(tx, caller.userId(), hash, expected)
                            .compose(
                                done ->
                                    patch.setName()
                                        ? users.setName(tx, caller.userId(), patch.name())
                                        : Future.<Void>succeededFuture())
                            .compose(done -> keys.revokeOthers(tx, caller.userId(), caller.keyId()))
                            .compose(done -> authenticator.announceUser(tx, caller.userId()))))
        .onSuccess(done -> authenticator.forgetUser(caller.userId()))
        .compose(done -> me(caller));
  }

  /**
   * A stale If-Match fails ({@link Writes.Stale}: 412) before the current password is checked (and
   * counted like a login); without one, nothing is read.
   */
  private Future<Void> fresh(Principal caller, Writes.Expected expected) {
    return expected.any()
        ? Future.succeededFuture()
        : me(caller).map(user -> Writes.unchanged(expected, user.version(), user)).mapEmpty();
  }

  /** A new key of the caller's, written in {@code scope}. */
  Future<NewApiKey> newKey(Writes.Scope scope, Principal caller, String name, Integer days) {
    return keys.create(scope, caller.userId(), name, expiry(days));
  }

  Future<Slice<ApiKey>> keys(Principal caller, PageRequest<UUID> page) {
    return keys.list(caller.userId(), page);
  }

  /** Revokes one of the caller's keys; empty when it has no such live key. */
  Future<Optional<UUID>> revokeKey(Principal caller, UUID keyId) {
    return db.inTransaction(
            tx ->
                keys.revoke(tx, caller.userId(), keyId)
                    .compose(
                        prefix ->
                            prefix.isEmpty()
                                ? Future.succeededFuture(prefix)
                                : authenticator.announceKey(tx, prefix.get()).map(prefix)))
        .map(
            prefix -> {
              prefix.ifPresent(authenticator::forgetKey);
              return prefix.map(p -> keyId);
            });
  }

  Future<Slice<User>> list(Principal caller, PageRequest<UUID> page) {
    return caller.admin() ? users.list(page) : Future.failedFuture(notAdmin());
  }

  /** Admin: (de)activates a user; a deactivated user's keys stop working at once. */
  Future<Optional<User>> setActive(
      Principal caller, UUID userId, boolean active, Writes.Expected expected) {
    if (!caller.admin()) {
      return Future.failedFuture(notAdmin());
    }
    if (!active && caller.userId().equals(userId)) {
      return Future.failedFuture(
          new ApiException(ProblemType.CONFLICT, "Administrators cannot deactivate themselves."));
    }
    return db.inTransaction(
            tx ->
                users
                    .setActive(tx, userId, active, expected)
                    .compose(
                        user ->
                            user.isEmpty()
                                ? Future.succeededFuture(user)
                                : authenticator.announceUser(tx, userId).map(user)))
        .onSuccess(user -> authenticator.forgetUser(userId));
  }

  /** Admin-only use cases check this before anything else (403 before any 422). */
  static void requireAdmin(Principal caller) {
    if (!caller.admin()) {
      throw notAdmin();
    }
  }

  private static ApiException notAdmin() {
    return ApiException.forbidden("Only administrators may do this.");
  }

  private static Instant expiry(Integer days) {
    return days == null ? null : Instant.now().plus(Duration.ofDays(days));
  }

  private static <T> Future<T> emailTaken(Throwable e) {
    // SQLite names no constraint; on PostgreSQL only the email index means "taken".
    if (e instanceof DatabaseException.Constraint c
        && c.kind() == DatabaseException.Constraint.Kind.UNIQUE
        && (c.constraint() == null || c.constraint().equals("users_email_normalized_key"))) {
      return Future.failedFuture(
          new ApiException(ProblemType.CONFLICT, "A user with this email already exists."));
    }
    return Future.failedFuture(e);
  }
}
