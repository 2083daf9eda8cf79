package dev.taskloop.auth;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * The auth feature, wired: API keys (their repository, and the {@link Authenticator} that checks
 * them on every non-public request). It has no endpoints of its own: login and key management are
 * the users feature's, which gets these pieces from here.
 */
public final class AuthFeature {
  private final ApiKeyRepository keys;
  private final Authenticator authenticator;

  public AuthFeature(Database database, AppConfig.Auth config) {
    this.keys = new ApiKeyRepository(database);
    this.authenticator = new Authenticator(keys, config);
  }

  /**
   * Route handler before every non-public endpoint: {@code ctx.next()} with a principal, or 401.
   */
  public void authenticate(RoutingContext ctx) {
    authenticator.handle(ctx);
  }

  /**
   * Fails an authenticated request with 403 unless its caller is an administrator (throws {@link
   * ApiException}); for system endpoints such as {@code /admin/pool}.
   */
  public void requireAdmin(RoutingContext ctx) {
    if (!Authenticator.principal(ctx).admin()) {
      throw ApiException.forbidden("Only administrators may do this.");
    }
  }

  public ApiKeyRepository keys() {
    return keys;
  }

  /** The key cache, which account changes evict. */
  public Authenticator authenticator() {
    return authenticator;
  }
}
