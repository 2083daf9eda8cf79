package dev.taskloop.auth;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The auth feature, wired: API keys (their repository, and the {@link Authenticator} that checks
 * them on every non-public request), password hashing and login limits. It has no endpoints of its
 * own: login and key management are the users feature's, which gets these pieces from here.
 */
public final class AuthFeature {
  private final ApiKeyRepository keys;
  private final Authenticator authenticator;
  private final PasswordHasher hasher;
  private final LoginLimiter limiter;

  /**
   * Builds the pieces on the calling thread; the hasher hashes once, so bad {@code PASSWORD_HASH_*}
   * settings fail here.
   */
  public AuthFeature(Vertx vertx, Database database, AppConfig.Auth config) {
    this.keys = new ApiKeyRepository(database);
    this.authenticator = new Authenticator(keys, config);
    this.hasher = new PasswordHasher(vertx, config);
    this.limiter = new LoginLimiter(config);
  }

  /**
   * Route handler before every non-public endpoint: {@code ctx.next()} with a principal, or 401.
   */
  public void authenticate(RoutingContext ctx) {
    authenticator.handle(ctx);
  }

  public ApiKeyRepository keys() {
    return keys;
  }

  /** The key cache, which account changes evict. */
  public Authenticator authenticator() {
    return authenticator;
  }

  public PasswordHasher hasher() {
    return hasher;
  }

  public LoginLimiter limiter() {
    return limiter;
  }
}
