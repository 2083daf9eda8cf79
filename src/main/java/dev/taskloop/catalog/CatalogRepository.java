package dev.taskloop.catalog;

import dev.taskloop.system.db.ConstraintViolationException;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.Page;
import dev.taskloop.system.http.ProblemType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL of categories and items, scoped to the owner. Embedding items costs one statement more,
 * whatever the number of categories and items: no N+1.
 */
final class CatalogRepository {
  private static final String CATEGORY = "id, name, created_at, updated_at";
  private static final String ITEM =
      "id, category_id, name, description, price_cents, created_at, updated_at";

  private static final String INSERT_CATEGORY =
      "INSERT INTO categories (owner_id, name, name_normalized, created_at, updated_at)"
          + " VALUES (#{owner}, #{name}, #{normalized}, #{now}, #{now}) RETURNING "
          + CATEGORY;
  private static final String FIND_CATEGORY =
      "SELECT " + CATEGORY + " FROM categories WHERE id = #{id} AND owner_id = #{owner}";
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

  private static final String RENAME_CATEGORY =
      "UPDATE categories SET name = #{name}, name_normalized = #{normalized}, updated_at = #{now}"
          + " WHERE id = #{id} AND owner_id = #{owner} RETURNING "
          + CATEGORY;
  private static final String DELETE_ITEMS_OF_CATEGORY =
      "DELETE FROM items WHERE category_id = #{id} AND owner_id = #{owner}";
  private static final String DELETE_CATEGORY =
      "DELETE FROM categories WHERE id = #{id} AND owner_id = #{owner} RETURNING id";
  private static final String FIND_ITEM =
      "SELECT " + ITEM + " FROM items WHERE id = #{id} AND owner_id = #{owner}";
  private static final String OWNS_CATEGORY =
      "SELECT id FROM categories WHERE id = #{id} AND owner_id = #{owner}";
  private static final String INSERT_ITEM =
      "INSERT INTO items (owner_id, category_id, name, description, price_cents, created_at, updated_at)"
          + " VALUES (#{owner}, #{category}, #{name}, #{description}, #{cents}, #{now}, #{now})"
          + " RETURNING "
          + ITEM;
  private static final String UPDATE_ITEM =
      "UPDATE items SET category_id = #{category}, name = #{name}, description = #{description},"
          + " price_cents = #{cents}, updated_at = #{now} WHERE id = #{id} AND owner_id = #{owner}"
          + " RETURNING "
          + ITEM;
  private static final String DELETE_ITEM =
      "DELETE FROM items WHERE id = #{id} AND owner_id = #{owner} RETURNING id";

  private final Database db;

  CatalogRepository(Database db) {
    this.db = db;
  }

  Future<Category> createCategory(UUID owner, String name) {
    var params = new HashMap<String, Object>();
    params.put("owner", owner);
    params.put("name", name);
    params.put("normalized", name.toLowerCase(Locale.ROOT));
    params.put("now", db.now());
    return db.write(INSERT_CATEGORY, params)
        .map(rows -> toCategory(rows.iterator().next()))
        .recover(CatalogRepository::nameTaken);
  }

  /** A category with all its items (2 statements). */
  Future<Optional<Category>> findCategory(UUID owner, long id) {
    var params = Map.<String, Object>of("id", id, "owner", owner);
    return db.read(FIND_CATEGORY, params)
        .compose(
            rows -> {
              var category = Rows.first(rows, CatalogRepository::toCategory);
              if (category.isEmpty()) {
                return Future.succeededFuture(Optional.<Category>empty());
              }
              return db.read(ITEMS_OF_CATEGORY, params)
                  .map(items -> Optional.of(category.get().withItems(items(items))));
            });
  }

  /** A page of categories; with {@code withItems}, each with its items (2 statements in all). */
  Future<List<Category>> listCategories(UUID owner, Page<Long> page, boolean withItems) {
    var params = page.params();
    params.put("owner", owner);
    return db.read(pageSql("SELECT " + CATEGORY + " FROM categories", page, null), params)
        .compose(
            rows -> {
              var categories = new ArrayList<Category>();
              rows.forEach(row -> categories.add(toCategory(row)));
              if (!withItems || categories.isEmpty()) {
                return Future.succeededFuture(categories);
              }
              var range =
                  Map.<String, Object>of(
                      "owner", owner,
                      "first", categories.getFirst().id(),
                      "last", categories.getLast().id());
              return db.read(ITEMS_OF_RANGE, range).map(items -> embed(categories, items(items)));
            });
  }

  Future<Optional<Category>> renameCategory(UUID owner, long id, String name) {
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("owner", owner);
    params.put("name", name);
    params.put("normalized", name.toLowerCase(Locale.ROOT));
    params.put("now", db.now());
    return db.write(RENAME_CATEGORY, params)
        .map(rows -> Rows.first(rows, CatalogRepository::toCategory))
        .recover(CatalogRepository::nameTaken);
  }

  /**
   * Deletes a category; with {@code cascade} its items too, in one transaction. Without it, a
   * category that has items is refused by the foreign key (409).
   */
  Future<Optional<Long>> deleteCategory(UUID owner, long id, boolean cascade) {
    var params = Map.<String, Object>of("id", id, "owner", owner);
    if (!cascade) {
      return db.write(DELETE_CATEGORY, params)
          .map(rows -> Rows.first(rows, row -> id))
          .recover(
              e ->
                  e instanceof ConstraintViolationException c
                          && c.kind() == ConstraintViolationException.Kind.FOREIGN_KEY
                      ? Future.failedFuture(
                          new ApiException(
                              ProblemType.CONFLICT,
                              "The category has items: delete them first, or use ?cascade=true."))
                      : Future.failedFuture(e));
    }
    return db.inTransaction(
        tx ->
            db.on(tx, DELETE_ITEMS_OF_CATEGORY, params)
                .compose(done -> db.on(tx, DELETE_CATEGORY, params))
                .map(rows -> Rows.first(rows, row -> id)));
  }

  Future<Optional<Item>> findItem(UUID owner, long id) {
    return db.read(FIND_ITEM, Map.of("id", id, "owner", owner))
        .map(rows -> Rows.first(rows, CatalogRepository::toItem));
  }

  Future<List<Item>> listItems(UUID owner, Page<Long> page, Long categoryId) {
    var params = page.params();
    params.put("owner", owner);
    params.put("category", categoryId);
    String filter = categoryId == null ? null : "category_id = #{category}";
    return db.read(pageSql("SELECT " + ITEM + " FROM items", page, filter), params)
        .map(CatalogRepository::items);
  }

  /** Creates an item in one of the owner's categories; 404 for a category that is not theirs. */
  Future<Item> createItem(UUID owner, CatalogInput.ItemInput input) {
    return db.inTransaction(
        tx ->
            requireCategory(tx, owner, input.categoryId())
                .compose(done -> db.on(tx, INSERT_ITEM, itemParams(owner, null, input)))
                .map(rows -> toItem(rows.iterator().next())));
  }

  /**
   * Applies a full replacement or a merge patch (null fields keep their value); empty when the item
   * does not exist, 404 when the target category is not the owner's.
   */
  Future<Optional<Item>> updateItem(UUID owner, long id, CatalogInput.ItemInput input) {
    return db.inTransaction(
        tx ->
            db.on(tx, FIND_ITEM, Map.of("id", id, "owner", owner))
                .compose(
                    rows -> {
                      Optional<Item> current = Rows.first(rows, CatalogRepository::toItem);
                      if (current.isEmpty()) {
                        return Future.succeededFuture(Optional.<Item>empty());
                      }
                      var merged = merge(current.get(), input);
                      return requireCategory(tx, owner, merged.categoryId())
                          .compose(done -> db.on(tx, UPDATE_ITEM, itemParams(owner, id, merged)))
                          .map(updated -> Rows.first(updated, CatalogRepository::toItem));
                    }));
  }

  Future<Optional<Long>> deleteItem(UUID owner, long id) {
    return db.write(DELETE_ITEM, Map.of("id", id, "owner", owner))
        .map(rows -> Rows.first(rows, row -> id));
  }

  private Future<Void> requireCategory(SqlConnection tx, UUID owner, long categoryId) {
    return db.on(tx, OWNS_CATEGORY, Map.of("id", categoryId, "owner", owner))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw ApiException.notFound("Category", categoryId);
              }
              return null;
            });
  }

  private static <T> Future<T> nameTaken(Throwable e) {
    if (e instanceof ConstraintViolationException c
        && c.kind() == ConstraintViolationException.Kind.UNIQUE) {
      return Future.failedFuture(
          new ApiException(ProblemType.CONFLICT, "A category with this name already exists."));
    }
    return Future.failedFuture(e);
  }

  private static CatalogInput.ItemInput merge(Item current, CatalogInput.ItemInput patch) {
    return new CatalogInput.ItemInput(
        patch.categoryId() != null ? patch.categoryId() : current.categoryId(),
        patch.name() != null ? patch.name() : current.name(),
        true,
        patch.setDescription() ? patch.description() : current.description(),
        patch.cents() != null
            ? patch.cents()
            : new java.math.BigDecimal(current.price()).movePointRight(2).longValueExact());
  }

  private Map<String, Object> itemParams(UUID owner, Long id, CatalogInput.ItemInput input) {
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

  private static List<Item> items(RowSet<Row> rows) {
    var items = new ArrayList<Item>(rows.size());
    rows.forEach(row -> items.add(toItem(row)));
    return items;
  }

  private static Category toCategory(Row row) {
    return new Category(
        row.getLong("id"),
        row.getString("name"),
        Rows.instant(row, "created_at"),
        Rows.instant(row, "updated_at"),
        null);
  }

  private static Item toItem(Row row) {
    return new Item(
        row.getLong("id"),
        row.getLong("category_id"),
        row.getString("name"),
        row.getString("description"),
        Prices.format(row.getLong("price_cents")),
        Rows.instant(row, "created_at"),
        Rows.instant(row, "updated_at"));
  }

  /** At most 4 distinct texts per table (keyset or offset, filter or not): each prepared once. */
  private static String pageSql(String select, Page<Long> page, String filter) {
    var sql = new StringBuilder(select).append(" WHERE owner_id = #{owner}");
    if (filter != null) {
      sql.append(" AND ").append(filter);
    }
    if (page.after() != null) {
      sql.append(" AND id > #{after}");
    }
    sql.append(" ORDER BY id LIMIT #{limit}");
    if (page.after() == null) {
      sql.append(" OFFSET #{skip}");
    }
    return sql.toString();
  }
}
