package dev.taskloop.users;

import dev.taskloop.system.db.DatabaseException;
import io.vertx.core.Future;
import java.util.UUID;

/** The admin named by ADMIN_EMAIL and ADMIN_PASSWORD, made sure of at startup. */
final class AdminBootstrap {
  private final UserRepository users;
  private final PasswordHasher hasher;

  AdminBootstrap(UserRepository users, PasswordHasher hasher) {
    this.users = users;
    this.hasher = hasher;
  }

  /**
   * Creates the configured admin if it does not exist (idempotent, also across instances racing at
   * startup). An existing admin is left as it is (its password is never reset from here); an
   * existing user who is not an admin is promoted only if the configured password is theirs, so
   * signing up first with that email does not make anyone an admin. Returns the admin's id.
   */
  Future<UUID> ensure(String email, String password) {
    return users
        .findForLogin(email)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return hasher
                    .hash(password)
                    .compose(hash -> users.create(email, "Administrator", hash, true))
                    .map(User::id)
                    .recover(
                        e ->
                            e instanceof DatabaseException.Constraint
                                ? users
                                    .findForLogin(email)
                                    .map(again -> again.orElseThrow().user().id())
                                : Future.failedFuture(e));
              }
              User user = found.get().user();
              if (user.isAdmin()) {
                return Future.succeededFuture(user.id());
              }
              return hasher
                  .verify(password, found.get().passwordHash())
                  .compose(
                      ok -> {
                        if (!ok) {
                          throw new IllegalStateException(
                              "ADMIN_EMAIL belongs to an existing user who is not an admin, and"
                                  + " ADMIN_PASSWORD is not that user's password: refusing to"
                                  + " promote it");
                        }
                        return users.makeAdmin(user.id()).map(user.id());
                      });
            });
  }
}
