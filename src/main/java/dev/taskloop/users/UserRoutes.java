package dev.taskloop.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.ClientAddress;
import dev.taskloop.system.http.Conditional;
import dev.taskloop.system.http.Fields;
import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP in and out for users: sign-up, the caller's own account, and the admin's user list. */
final class UserRoutes {
  private static final String USER = "User";

  private final Accounts accounts;
  private final ClientAddress clients;

  UserRoutes(Accounts accounts, ClientAddress clients) {
    this.accounts = accounts;
    this.clients = clients;
  }

  public void mount(Routes routes) {
    routes.publicPost("/users", this::signUp);
    routes.get("/users/me", this::me);
    routes.patch("/users/me", this::updateMe);
    routes.get("/users", this::list);
    routes.patch("/users/{id}", this::setActive);
  }

  private void signUp(RoutingContext ctx) {
    var validation = new Validation();
    ObjectNode body = Requests.jsonObject(ctx, validation);
    String email = body == null ? null : AccountInput.email(body, "email", validation);
    String password = body == null ? null : AccountInput.password(body, "password", validation);
    String name = body == null ? null : AccountInput.name(body, "name", validation);
    validation.check();
    Responses.reply(
        ctx,
        accounts.signUp(email, password, name),
        (c, signedUp) -> Responses.created(c, "/users/me", signedUp));
  }

  private void me(RoutingContext ctx) {
    Responses.reply(ctx, accounts.me(Authenticator.principal(ctx)), Responses::ok);
  }

  private void updateMe(RoutingContext ctx) {
    var validation = new Validation();
    UserPatch patch = UserPatch.from(Requests.jsonObject(ctx, validation), validation);
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    var caller = Authenticator.principal(ctx);
    Responses.reply(ctx, accounts.updateMe(caller, address(ctx), patch, expected), Responses::ok);
  }

  private String address(RoutingContext ctx) { // for the per-address limit
    return clients.of(ctx.request());
  }

  private void list(RoutingContext ctx) {
    Accounts.requireAdmin(Authenticator.principal(ctx));
    var validation = new Validation();
    PageQuery<UUID> page = PageQuery.byUuid(ctx, validation);
    validation.check();
    Responses.reply(
        ctx,
        accounts.list(Authenticator.principal(ctx), page.request()),
        (c, users) -> Responses.ok(c, page.rows(c, users, User::id)));
  }

  private void setActive(RoutingContext ctx) {
    Accounts.requireAdmin(Authenticator.principal(ctx));
    var validation = new Validation();
    UUID id = Requests.uuid(ctx, "id", validation);
    ObjectNode body = Requests.jsonObject(ctx, validation);
    JsonNode node = body == null ? null : body.get("is_active");
    Boolean active =
        body != null && Fields.required(node, "is_active", validation)
            ? Fields.bool(node, "is_active", validation)
            : null;
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    var caller = Authenticator.principal(ctx);
    Responses.okIfFound(ctx, accounts.setActive(caller, id, active, expected), USER, id);
  }
}
