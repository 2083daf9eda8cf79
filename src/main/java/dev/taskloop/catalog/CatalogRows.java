package dev.taskloop.catalog;

import dev.taskloop.system.db.Rows;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** Rows of the catalog's tables as records; shared by its two repositories. */
final class CatalogRows {
  static final String CATEGORY = "id, name, created_at, updated_at, version";
  static final String ITEM =
      "id, category_id, name, description, price_cents, created_at, updated_at, version";

  private CatalogRows() {}

  static Category category(Row row) {
    return new Category(
        row.getLong("id"),
        row.getString("name"),
        Rows.instant(row, "created_at"),
        Rows.instant(row, "updated_at"),
        null,
        row.getLong("version"));
  }

  static Item item(Row row) {
    return new Item(
        row.getLong("id"),
        row.getLong("category_id"),
        row.getString("name"),
        row.getString("description"),
        Prices.format(row.getLong("price_cents")),
        Rows.instant(row, "created_at"),
        Rows.instant(row, "updated_at"),
        row.getLong("version"));
  }

  static List<Item> items(RowSet<Row> rows) {
    var items = new ArrayList<Item>(rows.size());
    rows.forEach(row -> items.add(item(row)));
    return items;
  }
}
