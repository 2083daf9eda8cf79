package dev.taskloop.users;

import dev.taskloop.auth.AuthFeature;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ClientAddress;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.idempotency.Idempotency;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * The users feature, wired: accounts (sign-up, login, API keys, the admin) over the users' table
 * and the auth feature's keys, with their password hashing and login limits, and their endpoints.
 */
public final class UserFeature {
  private final UserRoutes users;
  private final KeyRoutes keys;
  private final AdminBootstrap admin;
  private final LoginLimits limits;

  /**
   * Builds the pieces on the calling thread; the hasher hashes once, so bad {@code PASSWORD_HASH_*}
   * settings fail here. {@code registry} gets the hashing's and the login limits' meters.
   */
  public UserFeature(
      Vertx vertx,
      Database database,
      AppConfig config,
      AuthFeature auth,
      ClientAddress clients,
      MeterRegistry registry,
      Idempotency idempotency) {
    var repository = new UserRepository(database);
    var hasher = new PasswordHasher(vertx, config.auth(), registry);
    this.limits = LoginLimits.create(vertx, database, config, registry);
    var accounts =
        new Accounts(
            database, repository, auth.keys(), hasher, limits, auth.authenticator(), config.auth());
    this.users = new UserRoutes(accounts, clients);
    this.keys = new KeyRoutes(accounts, clients, idempotency);
    this.admin = new AdminBootstrap(repository, hasher);
  }

  /** Stops the login limits' background clean-up. */
  public void close() {
    limits.close();
  }

  public void mount(Routes routes) {
    users.mount(routes);
    keys.mount(routes);
  }

  /**
   * Makes sure the admin {@code email} exists (created once, with {@code password}); its id. An
   * existing user who is not an admin is promoted only if {@code password} is theirs, else this
   * fails.
   */
  public Future<UUID> ensureAdmin(String email, String password) {
    return admin.ensure(email, password);
  }
}
