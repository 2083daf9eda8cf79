package dev.taskloop.catalog;

import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;

/** HTTP in and out for items. */
final class ItemRoutes {
  private static final String ITEM = CatalogAnswers.ITEM;

  private final ItemRepository items;

  ItemRoutes(ItemRepository items) {
    this.items = items;
  }

  void mount(Routes routes) {
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
        items.create(CategoryRoutes.owner(ctx), item),
        (c, outcome) -> {
          Item created = CatalogAnswers.value(outcome, ITEM, 0);
          Responses.created(c, "/items/" + created.id(), created);
        });
  }

  private void list(RoutingContext ctx) {
    var validation = new Validation();
    var page = PageQuery.byLongId(ctx, validation);
    Long category = Requests.longQuery(ctx, "category_id", 1, Long.MAX_VALUE, validation);
    validation.check();
    Responses.reply(
        ctx,
        items.list(CategoryRoutes.owner(ctx), page.request(), category),
        (c, slice) -> Responses.ok(c, page.rows(c, slice, Item::id, "category_id", category)));
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.reply(
        ctx,
        items.find(CategoryRoutes.owner(ctx), id).map(found -> Responses.found(found, ITEM, id)),
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
        items
            .update(CategoryRoutes.owner(ctx), id, input)
            .map(outcome -> CatalogAnswers.value(outcome, ITEM, id)),
        Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.reply(
        ctx,
        items.delete(CategoryRoutes.owner(ctx), id).map(found -> Responses.found(found, ITEM, id)),
        (c, deleted) -> Responses.noContent(c));
  }
}
