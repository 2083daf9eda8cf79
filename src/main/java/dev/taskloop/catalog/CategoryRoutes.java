package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.Conditional;
import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.idempotency.Idempotency;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP in and out for categories. */
final class CategoryRoutes {
  private static final String CATEGORY = CatalogAnswers.CATEGORY;

  private final CategoryRepository categories;
  private final Idempotency idempotency;

  CategoryRoutes(CategoryRepository categories, Idempotency idempotency) {
    this.categories = categories;
    this.idempotency = idempotency;
  }

  void mount(Routes routes) {
    routes.post("/categories", this::create);
    routes.get("/categories", this::list);
    routes.get("/categories/{id}", this::get);
    routes.patch("/categories/{id}", this::rename);
    routes.delete("/categories/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    var validation = new Validation();
    ObjectNode body = Requests.jsonObject(ctx, validation);
    String name = body == null ? null : CatalogInput.name(body.get("name"), validation);
    idempotency.create(
        ctx,
        validation,
        owner(ctx),
        scope ->
            categories
                .create(scope, owner(ctx), name)
                .map(outcome -> CatalogAnswers.value(outcome, CATEGORY, 0))
                .map(created -> new Idempotency.Created("/categories/" + created.id(), created)));
  }

  /** A page of categories; {@code ?include=items} embeds their items (one more statement). */
  private void list(RoutingContext ctx) {
    var validation = new Validation();
    var page = PageQuery.byLongId(ctx, validation);
    String include =
        ctx.queryParam("include").isEmpty() ? null : ctx.queryParam("include").getFirst();
    if (include != null && !include.equals("items")) {
      validation.fail("include", "must be items");
    }
    validation.check();
    Responses.reply(
        ctx,
        categories.list(owner(ctx), page.request(), include != null),
        (c, slice) -> Responses.ok(c, page.rows(c, slice, Category::id, "include", include)));
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.okIfFound(ctx, categories.find(owner(ctx), id), CATEGORY, id);
  }

  private void rename(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    ObjectNode body = Requests.jsonObject(ctx, validation);
    String name = body == null ? null : CatalogInput.name(body.get("name"), validation);
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    Responses.reply(
        ctx,
        categories
            .rename(owner(ctx), id, name, expected)
            .map(outcome -> CatalogAnswers.value(outcome, CATEGORY, id)),
        Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    Boolean cascade = Requests.boolQuery(ctx, "cascade", validation);
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    Responses.reply(
        ctx,
        categories
            .delete(owner(ctx), id, Boolean.TRUE.equals(cascade), expected)
            .map(outcome -> CatalogAnswers.value(outcome, CATEGORY, id)),
        (c, deleted) -> Responses.noContent(c));
  }

  static UUID owner(RoutingContext ctx) {
    return Authenticator.principal(ctx).userId();
  }
}
