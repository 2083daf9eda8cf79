package dev.taskloop.catalog;

import dev.taskloop.system.http.Links;
import dev.taskloop.system.http.Page;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;

/** HTTP in and out for items. */
final class ItemRoutes {
  private static final String ITEM = "Item";

  private final CatalogRepository catalog;

  ItemRoutes(CatalogRepository catalog) {
    this.catalog = catalog;
  }

  public void mount(Routes routes) {
    routes.post("/items", this::create);
    routes.get("/items", this::list);
    routes.get("/items/{id}", this::get);
    routes.put("/items/{id}", this::replace);
    routes.patch("/items/{id}", this::update);
    routes.delete("/items/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    var validation = new Validation();
    var item = CatalogInput.item(Requests.jsonObject(ctx, validation), validation);
    validation.check();
    Responses.reply(
        ctx,
        catalog.createItem(CategoryRoutes.owner(ctx), item),
        (c, created) -> Responses.created(c, "/items/" + created.id(), created));
  }

  private void list(RoutingContext ctx) {
    var validation = new Validation();
    var page = Page.byLongId(ctx, validation);
    Long category = Requests.longQuery(ctx, "category_id", 1, Long.MAX_VALUE, validation);
    validation.check();
    Responses.reply(
        ctx,
        catalog.listItems(CategoryRoutes.owner(ctx), page, category),
        (c, items) ->
            Responses.ok(
                c,
                Links.page(
                    c,
                    items,
                    page.limit(),
                    last -> {
                      var next = page.next(last.id());
                      next.put("category_id", category); // the link keeps the filter
                      return next;
                    })));
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.reply(
        ctx,
        catalog
            .findItem(CategoryRoutes.owner(ctx), id)
            .map(found -> Responses.found(found, ITEM, id)),
        Responses::ok);
  }

  private void replace(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    var item = CatalogInput.item(Requests.jsonObject(ctx, validation), validation);
    validation.check();
    update(ctx, id, item);
  }

  private void update(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    var patch = CatalogInput.itemPatch(Requests.jsonObject(ctx, validation), validation);
    validation.check();
    update(ctx, id, patch);
  }

  private void update(RoutingContext ctx, long id, CatalogInput.ItemInput input) {
    Responses.reply(
        ctx,
        catalog
            .updateItem(CategoryRoutes.owner(ctx), id, input)
            .map(found -> Responses.found(found, ITEM, id)),
        Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.reply(
        ctx,
        catalog
            .deleteItem(CategoryRoutes.owner(ctx), id)
            .map(found -> Responses.found(found, ITEM, id)),
        (c, deleted) -> Responses.noContent(c));
  }
}
