package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.Links;
import dev.taskloop.system.http.Page;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** HTTP in and out for categories. */
final class CategoryRoutes {
  private static final String CATEGORY = "Category";

  private final CatalogRepository catalog;

  CategoryRoutes(CatalogRepository catalog) {
    this.catalog = catalog;
  }

  public void mount(Routes routes) {
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
    validation.check();
    Responses.reply(
        ctx,
        catalog.createCategory(owner(ctx), name),
        (c, category) -> Responses.created(c, "/categories/" + category.id(), category));
  }

  /** A page of categories; {@code ?include=items} embeds their items (one more statement). */
  private void list(RoutingContext ctx) {
    var validation = new Validation();
    var page = Page.byLongId(ctx, validation);
    String include =
        ctx.queryParam("include").isEmpty() ? null : ctx.queryParam("include").getFirst();
    if (include != null && !include.equals("items")) {
      validation.fail("include", "must be items");
    }
    validation.check();
    Responses.reply(
        ctx,
        catalog.listCategories(owner(ctx), page, include != null),
        (c, categories) ->
            Responses.ok(
                c,
                Links.page(
                    c,
                    categories,
                    page.limit(),
                    last -> {
                      var next = page.next(last.id());
                      next.put("include", include); // the link keeps the filter
                      return next;
                    })));
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.reply(
        ctx,
        catalog.findCategory(owner(ctx), id).map(found -> Responses.found(found, CATEGORY, id)),
        Responses::ok);
  }

  private void rename(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    ObjectNode body = Requests.jsonObject(ctx, validation);
    String name = body == null ? null : CatalogInput.name(body.get("name"), validation);
    validation.check();
    Responses.reply(
        ctx,
        catalog
            .renameCategory(owner(ctx), id, name)
            .map(found -> Responses.found(found, CATEGORY, id)),
        Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    Boolean cascade = Requests.boolQuery(ctx, "cascade", validation);
    validation.check();
    Responses.reply(
        ctx,
        catalog
            .deleteCategory(owner(ctx), id, Boolean.TRUE.equals(cascade))
            .map(deleted -> Responses.found(deleted, CATEGORY, id)),
        (c, deleted) -> Responses.noContent(c));
  }

  static UUID owner(RoutingContext ctx) {
    return Authenticator.principal(ctx).userId();
  }
}
