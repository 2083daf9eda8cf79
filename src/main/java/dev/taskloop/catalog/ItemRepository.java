package dev.taskloop.catalog;

import static dev.taskloop.catalog.CatalogRows.ITEM;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** All SQL of items, scoped to the owner; an item's category must be the owner's too. */
final class ItemRepository {
  private static final String FIND = Rows.findOwned(ITEM, "items");
  private static final String OWNS_CATEGORY = Rows.findOwned("id", "categories");
  private static final String INSERT =
      "INSERT INTO items (owner_id, category_id, name, description, price_cents, created_at, updated_at)"
          + " VALUES (#{owner}, #{category}, #{name}, #{description}, #{cents}, #{now}, #{now})"
          + " RETURNING "
          + ITEM;

  /** Then the condition of an If-Match, and RETURNING. */
  private static final String UPDATE =
      "UPDATE items SET category_id = #{category}, name = #{name}, description = #{description},"
          + " price_cents = #{cents}, updated_at = #{now}, "
          + Writes.BUMP
          + Rows.OWNED_ROW;

  private final Database db;

  ItemRepository(Database db) {
    this.db = db;
  }

  Future<Optional<Item>> find(UUID owner, long id) {
    return db.read(FIND, Map.of("id", id, "owner", owner))
        .map(rows -> Rows.first(rows, CatalogRows::item));
  }

  /** A page of the owner's items in id order, only those of {@code categoryId} when not null. */
  Future<Slice<Item>> list(UUID owner, PageRequest<Long> page, Long categoryId) {
    var params = page.params();
    params.put("owner", owner);
    var conditions = new ArrayList<>(List.of("owner_id = #{owner}"));
    if (categoryId != null) {
      params.put("category", categoryId);
      conditions.add("category_id = #{category}");
    }
    return db.read(page.byIdSql(ITEM, "items", conditions), params)
        .map(rows -> page.slice(CatalogRows.items(rows)));
  }

  /**
   * A new item in one of the owner's categories, or {@link Outcome.NoSuchCategory}; in a
   * transaction of {@code scope}.
   */
  Future<Outcome<Item>> create(Writes.Scope scope, UUID owner, CatalogInput.ItemInput input) {
    return scope.transaction(
        tx ->
            ownsCategory(tx, owner, input.categoryId())
                .compose(
                    owns ->
                        owns
                            ? tx.execute(INSERT, params(owner, null, input))
                                .map(rows -> done(CatalogRows.item(rows.iterator().next())))
                            : noSuchCategory(input.categoryId())));
  }

  /**
   * Applies a full replacement or a merge patch (null fields keep their value): the item, {@link
   * Outcome.Missing} or {@link Outcome.NoSuchCategory} when the target category is not the owner's;
   * {@link Writes.Stale} when the item is not at an {@code expected} version.
   */
  Future<Outcome<Item>> update(
      UUID owner, long id, CatalogInput.ItemInput input, Writes.Expected expected) {
    return db.autoCommit()
        .transaction(
            tx ->
                tx.execute(FIND, Map.of("id", id, "owner", owner))
                    .compose(
                        rows -> {
                          Optional<Item> current = Rows.first(rows, CatalogRows::item);
                          if (current.isEmpty()) {
                            return Future.succeededFuture(new Outcome.Missing<>());
                          }
                          if (!expected.matches(current.get().version())) {
                            return Future.failedFuture(new Writes.Stale());
                          }
                          var merged = merge(current.get(), input);
                          String sql = UPDATE + expected.sql() + " RETURNING " + ITEM;
                          var params = expected.bind(params(owner, id, merged));
                          return ownsCategory(tx, owner, merged.categoryId())
                              .compose(
                                  owns ->
                                      owns
                                          ? Writes.writeOwned(tx, "items", sql, params, expected)
                                              .map(
                                                  updated ->
                                                      Outcome.found(
                                                          Rows.first(updated, CatalogRows::item)))
                                          : noSuchCategory(merged.categoryId()));
                        }));
  }

  /** The deleted item's id, empty when absent; {@link Writes.Stale} at another version. */
  Future<Optional<Long>> delete(UUID owner, long id, Writes.Expected expected) {
    var params = expected.bind(new HashMap<>(Map.of("id", id, "owner", owner)));
    String sql = Rows.deleteOwned("items", expected);
    return Writes.writeOwned(db.autoCommit(), "items", sql, params, expected)
        .map(rows -> Rows.first(rows, row -> id));
  }

  private static Future<Boolean> ownsCategory(Writes.Scope tx, UUID owner, long categoryId) {
    return tx.execute(OWNS_CATEGORY, Map.of("id", categoryId, "owner", owner))
        .map(rows -> rows.size() > 0);
  }

  private static Outcome<Item> done(Item item) {
    return new Outcome.Done<>(item);
  }

  private static Future<Outcome<Item>> noSuchCategory(long categoryId) {
    return Future.succeededFuture(new Outcome.NoSuchCategory<>(categoryId));
  }

  private static CatalogInput.ItemInput merge(Item current, CatalogInput.ItemInput patch) {
    return new CatalogInput.ItemInput(
        patch.categoryId() != null ? patch.categoryId() : current.categoryId(),
        patch.name() != null ? patch.name() : current.name(),
        true,
        patch.setDescription() ? patch.description() : current.description(),
        patch.cents() != null ? patch.cents() : Prices.cents(current.price()));
  }

  private Map<String, Object> params(UUID owner, Long id, CatalogInput.ItemInput input) {
    var params = new HashMap<String, Object>();
    params.put("owner", owner);
    params.put("id", id);
    params.put("category", input.categoryId());
    params.put("name", input.name());
    params.put("description", input.description());
    params.put("cents", input.cents());
    params.put("now", db.now());
    return params;
  }
}
