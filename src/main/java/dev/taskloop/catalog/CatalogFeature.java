package dev.taskloop.catalog;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.idempotency.Idempotency;

/** The catalog feature, wired: categories and items, their repositories and their endpoints. */
public final class CatalogFeature {
  private final CategoryRoutes categories;
  private final ItemRoutes items;

  public CatalogFeature(Database database, Idempotency idempotency) {
    this.categories = new CategoryRoutes(new CategoryRepository(database), idempotency);
    this.items = new ItemRoutes(new ItemRepository(database), idempotency);
  }

  public void mount(Routes routes) {
    categories.mount(routes);
    items.mount(routes);
  }
}
