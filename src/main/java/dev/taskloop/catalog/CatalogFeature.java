package dev.taskloop.catalog;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.Routes;

/** The catalog feature, wired: categories and items over one repository, and their endpoints. */
public final class CatalogFeature {
  private final CategoryRoutes categories;
  private final ItemRoutes items;

  public CatalogFeature(Database database) {
    var catalog = new CatalogRepository(database);
    this.categories = new CategoryRoutes(catalog);
    this.items = new ItemRoutes(catalog);
  }

  public void mount(Routes routes) {
    categories.mount(routes);
    items.mount(routes);
  }
}
