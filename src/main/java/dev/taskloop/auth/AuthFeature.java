package dev.taskloop.auth;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;

/**
 * The auth feature, wired: API keys (their repository, and the {@link Authenticator} that checks
 * them on every non-public request). It has no endpoints of its own: login and key management are
 * the users feature's, which gets these pieces from here.
 */
public final class AuthFeature {
  private final ApiKeyRepository keys;
  private final Authenticator authenticator;

  /** {@code registry} gets the key cache's and the 401s' meters. */
  public AuthFeature(Database database, AppConfig.Auth config, MeterRegistry registry) {
    this.keys = new ApiKeyRepository(database);
    this.authenticator = new Authenticator(keys, config, registry);
    keys.listen(authenticator::noticed, authenticator::forgetAll);
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
}
