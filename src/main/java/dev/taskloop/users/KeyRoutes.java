package dev.taskloop.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.auth.ApiKey;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.ClientAddress;
import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.idempotency.Idempotency;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP in and out for API keys: login (email and password for a new key) and the caller's keys. */
final class KeyRoutes {
  private static final String KEY = "API key";

  private final Accounts accounts;
  private final ClientAddress clients;
  private final Idempotency idempotency;

  KeyRoutes(Accounts accounts, ClientAddress clients, Idempotency idempotency) {
    this.idempotency = idempotency;
    this.accounts = accounts;
    this.clients = clients;
  }

  public void mount(Routes routes) {
    routes.publicPost("/auth/api-keys", this::login);
    routes.get("/users/me/api-keys", this::list);
    routes.post("/users/me/api-keys", this::create);
    routes.delete("/users/me/api-keys/{id}", this::revoke);
  }

  private void login(RoutingContext ctx) {
    var validation = new Validation();
    ObjectNode body = Requests.jsonObject(ctx, validation);
    String email = body == null ? null : AccountInput.loginEmail(body, validation);
    String password = body == null ? null : AccountInput.credential(body, "password", validation);
    String name = body == null ? null : AccountInput.name(body, "name", validation);
    Integer days = body == null ? null : AccountInput.expiresInDays(body, validation);
    validation.check();
    String address = clients.of(ctx.request());
    Responses.reply(
        ctx,
        accounts.login(email, password, address, name, days),
        (c, key) -> Responses.created(c, "/users/me/api-keys", key));
  }

  private void list(RoutingContext ctx) {
    var validation = new Validation();
    PageQuery<UUID> page = PageQuery.byUuid(ctx, validation);
    validation.check();
    Responses.reply(
        ctx,
        accounts.keys(Authenticator.principal(ctx), page.request()),
        (c, keys) -> Responses.ok(c, page.rows(c, keys, ApiKey::id)));
  }

  private void create(RoutingContext ctx) {
    var validation = new Validation();
    ObjectNode body = Requests.hasBody(ctx) ? Requests.jsonObject(ctx, validation) : null;
    String name = body == null ? null : AccountInput.name(body, "name", validation);
    Integer days = body == null ? null : AccountInput.expiresInDays(body, validation);
    var caller = Authenticator.principal(ctx);
    idempotency.create(
        ctx,
        validation,
        caller.userId(),
        scope ->
            accounts
                .newKey(scope, caller, name, days)
                .map(created -> new Idempotency.Created("/users/me/api-keys", created)));
  }

  private void revoke(RoutingContext ctx) {
    var validation = new Validation();
    UUID id = Requests.uuid(ctx, "id", validation);
    validation.check();
    Responses.noContentIfFound(ctx, accounts.revokeKey(Authenticator.principal(ctx), id), KEY, id);
  }
}
