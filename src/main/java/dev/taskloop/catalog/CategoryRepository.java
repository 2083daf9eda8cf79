package dev.taskloop.catalog;

import static dev.taskloop.catalog.CatalogRows.CATEGORY;
import static dev.taskloop.catalog.CatalogRows.ITEM;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.DatabaseException;
import dev.taskloop.system.db.DatabaseException.Constraint.Kind;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL of categories, scoped to the owner. Embedding items costs one statement more, whatever
 * the number of categories and items: no N+1.
 */
final class CategoryRepository {
  private static final String INSERT =
      "INSERT INTO categories (owner_id, name, name_normalized, created_at, updated_at)"
          + " VALUES (#{owner}, #{name}, #{normalized}, #{now}, #{now}) RETURNING "
          + CATEGORY;
  private static final String FIND = Rows.findOwned(CATEGORY, "categories");
  private static final String ITEMS_OF_CATEGORY =
      "SELECT "
          + ITEM
          + " FROM items WHERE category_id = #{id} AND owner_id = #{owner} ORDER BY id";

  /** A page of categories is a contiguous id range of the owner's: its items in one statement. */
  private static final String ITEMS_OF_RANGE =
      "SELECT "
          + ITEM
          + " FROM items WHERE owner_id = #{owner}"
          + " AND category_id BETWEEN #{first} AND #{last} ORDER BY category_id, id";

  /** Then the condition of an If-Match, and RETURNING. */
  private static final String RENAME =
      "UPDATE categories SET name = #{name}, name_normalized = #{normalized}, updated_at = #{now}, "
          + Writes.BUMP
          + Rows.OWNED_ROW;

  /** The first statement of a cascading delete under If-Match: checks (and locks) the row. */
  private static final String CHECK_VERSION =
      "UPDATE categories SET " + Writes.BUMP + Rows.OWNED_ROW;

  private static final String DELETE_ITEMS =
      "DELETE FROM items WHERE category_id = #{id} AND owner_id = #{owner}";
  private static final String DELETE = Rows.deleteOwned("categories", Writes.Expected.ANY);

  private final Database db;

  CategoryRepository(Database db) {
    this.db = db;
  }

  /** A new category, or {@link Outcome.NameTaken}; written in {@code scope}. */
  Future<Outcome<Category>> create(Writes.Scope scope, UUID owner, String name) {
    return scope
        .execute(INSERT, nameParams(owner, null, name))
        .<Outcome<Category>>map(
            rows -> new Outcome.Done<>(CatalogRows.category(rows.iterator().next())))
        .recover(CategoryRepository::nameTaken);
  }

  /** A category with all its items (2 statements). */
  Future<Optional<Category>> find(UUID owner, long id) {
    var params = Map.<String, Object>of("id", id, "owner", owner);
    return db.read(FIND, params)
        .compose(
            rows -> {
              var category = Rows.first(rows, CatalogRows::category);
              if (category.isEmpty()) {
                return Future.succeededFuture(Optional.<Category>empty());
              }
              return db.read(ITEMS_OF_CATEGORY, params)
                  .map(items -> Optional.of(category.get().withItems(CatalogRows.items(items))));
            });
  }

  /** A page of categories; with {@code withItems}, each with its items (2 statements in all). */
  Future<Slice<Category>> list(UUID owner, PageRequest<Long> page, boolean withItems) {
    var params = page.params();
    params.put("owner", owner);
    String sql = page.byIdSql(CATEGORY, "categories", List.of("owner_id = #{owner}"));
    return db.read(sql, params)
        .compose(
            rows -> {
              var fetched = new ArrayList<Category>();
              rows.forEach(row -> fetched.add(CatalogRows.category(row)));
              Slice<Category> slice = page.slice(fetched); // the look-ahead row gets no items
              if (!withItems || slice.rows().isEmpty()) {
                return Future.succeededFuture(slice);
              }
              var categories = slice.rows();
              var range =
                  Map.<String, Object>of(
                      "owner", owner,
                      "first", categories.getFirst().id(),
                      "last", categories.getLast().id());
              return db.read(ITEMS_OF_RANGE, range)
                  .map(items -> slice.withRows(all -> embed(all, CatalogRows.items(items))));
            });
  }

  /**
   * The renamed category, {@link Outcome.Missing} or {@link Outcome.NameTaken}; {@link
   * Writes.Stale} when it is not at an {@code expected} version.
   */
  Future<Outcome<Category>> rename(UUID owner, long id, String name, Writes.Expected expected) {
    String sql = RENAME + expected.sql() + " RETURNING " + CATEGORY;
    var params = expected.bind(nameParams(owner, id, name));
    return Writes.writeOwned(db.autoCommit(), "categories", sql, params, expected)
        .map(rows -> Outcome.found(Rows.first(rows, CatalogRows::category)))
        .recover(CategoryRepository::nameTaken);
  }

  /**
   * Deletes a category; with {@code cascade} its items too, in one transaction. Without it, a
   * category that has items is refused by the foreign key: {@link Outcome.HasItems}. {@link
   * Writes.Stale} when it is not at an {@code expected} version.
   */
  Future<Outcome<Long>> delete(UUID owner, long id, boolean cascade, Writes.Expected expected) {
    var params = expected.bind(new HashMap<>(Map.of("id", id, "owner", owner)));
    if (!cascade) {
      String sql = Rows.deleteOwned("categories", expected);
      return Writes.writeOwned(db.autoCommit(), "categories", sql, params, expected)
          .map(rows -> deleted(rows.size(), id))
          .recover(
              e ->
                  e instanceof DatabaseException.Constraint c && c.kind() == Kind.FOREIGN_KEY
                      ? Future.succeededFuture(new Outcome.HasItems<>())
                      : Future.failedFuture(e));
    }
    return db.autoCommit()
        .transaction(
            tx ->
                checked(tx, params, expected)
                    .compose(found -> found ? cascade(tx, params) : Future.succeededFuture(0))
                    .map(rows -> deleted(rows, id)));
  }

  /** The category is the owner's (and at an expected version): the items' delete may follow. */
  private static Future<Boolean> checked(
      Writes.Scope tx, Map<String, Object> params, Writes.Expected expected) {
    if (expected.any()) {
      return Future.succeededFuture(true);
    }
    String sql = CHECK_VERSION + expected.sql() + " RETURNING id";
    return Writes.writeOwned(tx, "categories", sql, params, expected).map(rows -> rows.size() > 0);
  }

  private static Future<Integer> cascade(Writes.Scope tx, Map<String, Object> params) {
    return tx.execute(DELETE_ITEMS, params)
        .compose(done -> tx.execute(DELETE, params))
        .map(rows -> rows.size());
  }

  private static Outcome<Long> deleted(int rows, long id) {
    return rows == 0 ? new Outcome.Missing<>() : new Outcome.Done<>(id);
  }

  private Map<String, Object> nameParams(UUID owner, Long id, String name) {
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("owner", owner);
    params.put("name", name);
    params.put("normalized", name.toLowerCase(Locale.ROOT));
    params.put("now", db.now());
    return params;
  }

  private static <T> Future<Outcome<T>> nameTaken(Throwable e) {
    return e instanceof DatabaseException.Constraint c && c.kind() == Kind.UNIQUE
        ? Future.succeededFuture(new Outcome.NameTaken<>())
        : Future.failedFuture(e);
  }

  private static List<Category> embed(List<Category> categories, List<Item> items) {
    var byCategory = new LinkedHashMap<Long, List<Item>>();
    categories.forEach(c -> byCategory.put(c.id(), new ArrayList<>()));
    for (Item item : items) {
      var list = byCategory.get(item.categoryId());
      if (list != null) {
        list.add(item);
      }
    }
    return categories.stream().map(c -> c.withItems(byCategory.get(c.id()))).toList();
  }
}
