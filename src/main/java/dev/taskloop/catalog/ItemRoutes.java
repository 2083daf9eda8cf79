package dev.taskloop.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Conditional;
import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.idempotency.Idempotency;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/** HTTP in and out for items. */
final class ItemRoutes {
  private static final String ITEM = CatalogAnswers.ITEM;

  private final ItemRepository items;
  private final Idempotency idempotency;

  ItemRoutes(ItemRepository items, Idempotency idempotency) {
    this.items = items;
    this.idempotency = idempotency;
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
    var owner = CategoryRoutes.owner(ctx);
    idempotency.create(
        ctx,
        validation,
        owner,
        scope ->
            items
                .create(scope, owner, item)
                .map(outcome -> CatalogAnswers.value(outcome, ITEM, 0))
                .map(created -> new Idempotency.Created("/items/" + created.id(), created)));
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
    Responses.okIfFound(ctx, items.find(CategoryRoutes.owner(ctx), id), ITEM, id);
  }

  /** PUT: a full item, every field checked. */
  private void replace(RoutingContext ctx) {
    write(ctx, CatalogInput::item);
  }

  /** PATCH: a merge patch, only the fields present. */
  private void update(RoutingContext ctx) {
    write(ctx, CatalogInput::itemPatch);
  }

  private void write(
      RoutingContext ctx, BiFunction<ObjectNode, Validation, CatalogInput.ItemInput> parse) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    var input = parse.apply(Requests.jsonObject(ctx, validation), validation);
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    Responses.reply(
        ctx,
        items
            .update(CategoryRoutes.owner(ctx), id, input, expected)
            .map(outcome -> CatalogAnswers.value(outcome, ITEM, id)),
        Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    long id = Requests.id(ctx);
    var owner = CategoryRoutes.owner(ctx);
    var expected = Conditional.ifMatch(ctx);
    Responses.noContentIfFound(ctx, items.delete(owner, id, expected), ITEM, id);
  }
}
