package dev.taskloop.tasks;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * All SQL of the tasks feature, the same text on SQLite and PostgreSQL (SqlTemplate {@code #{name}}
 * parameters, always bound, never concatenated values). Each write is one statement, which commits
 * atomically on its own (an implicit transaction; wrapping it in BEGIN/COMMIT measured about 25%
 * fewer POSTs per second on PostgreSQL and adds nothing).
 */
final class TaskRepository {
  private static final String COLUMNS =
      "id, title, description, is_completed, created_at, updated_at, version";

  private static final String INSERT =
      "INSERT INTO tasks (owner_id, title, description, is_completed, created_at, updated_at)"
          + " VALUES (#{owner}, #{title}, #{description}, #{completed}, #{now}, #{now}) RETURNING "
          + COLUMNS;
  private static final String FIND = Rows.findOwned(COLUMNS, "tasks");

  private static final String ADOPT =
      "UPDATE tasks SET owner_id = #{owner} WHERE owner_id IS NULL RETURNING id";

  /**
   * Offsets up to this many rows are cheap enough for the pipelined read client; deeper ones read
   * and drop many rows, so they run on the plain pool where they hold up nobody else.
   */
  private static final long SHALLOW_OFFSET = 1_000;

  /** Rows per cursor fetch of an export: memory stays flat whatever the number of tasks. */
  private static final int EXPORT_FETCH_SIZE = 500;

  private final Database db;

  TaskRepository(Database db) {
    this.db = db;
  }

  /** A new task, written in {@code scope} (its own statement, or an Idempotency-Key's one). */
  Future<Task> create(Writes.Scope scope, UUID owner, NewTask task) {
    var params = new HashMap<String, Object>();
    params.put("owner", owner);
    params.put("title", task.title());
    params.put("description", task.description());
    params.put("completed", false);
    params.put("now", db.now());
    return scope.execute(INSERT, params).map(rows -> toTask(rows.iterator().next()));
  }

  Future<Optional<Task>> find(UUID owner, long id) {
    return db.read(FIND, Map.of("id", id, "owner", owner)).map(TaskRepository::first);
  }

  /** A page of the owner's tasks in id order; {@code completed} filters when not null. */
  Future<Slice<Task>> list(UUID owner, PageRequest<Long> page, Boolean completed) {
    var params = page.params();
    params.put("owner", owner);
    if (completed != null) {
      params.put("completed", completed);
    }
    // A deep OFFSET page reads and drops `skip` rows: a scan. Keyset pages are index seeks.
    String sql = listSql(page, completed);
    return (page.after() == null && page.skip() > SHALLOW_OFFSET
            ? db.scan(sql, params)
            : db.read(sql, params))
        .map(rows -> page.slice(all(rows)));
  }

  /**
   * Applies a patch if the task is at an {@code expected} version; empty when the task does not
   * exist, {@link Writes.Stale} when it is at another version. An empty patch changes nothing.
   */
  Future<Optional<Task>> update(UUID owner, long id, TaskPatch patch, Writes.Expected expected) {
    if (patch.isEmpty()) {
      return find(owner, id).map(task -> task.map(t -> Writes.unchanged(expected, t.version(), t)));
    }
    var params = new HashMap<String, Object>();
    var set = new StringBuilder("UPDATE tasks SET ");
    if (patch.title() != null) {
      set.append("title = #{title}, ");
      params.put("title", patch.title());
    }
    if (patch.setDescription()) {
      set.append("description = #{description}, ");
      params.put("description", patch.description());
    }
    if (patch.completed() != null) {
      set.append("is_completed = #{completed}, ");
      params.put("completed", patch.completed());
    }
    set.append("updated_at = #{now}, ").append(Writes.BUMP).append(Rows.OWNED_ROW);
    set.append(expected.sql()).append(" RETURNING ").append(COLUMNS);
    params.put("now", db.now());
    params.put("id", id);
    params.put("owner", owner);
    return Writes.writeOwned(
            db.autoCommit(), "tasks", set.toString(), expected.bind(params), expected)
        .map(TaskRepository::first);
  }

  /**
   * Deletes a task if it is at an {@code expected} version; its id, empty when it did not exist,
   * {@link Writes.Stale} when it is at another version.
   */
  Future<Optional<Long>> delete(UUID owner, long id, Writes.Expected expected) {
    // RETURNING, because SQLite's driver reports no row count for it (rows.size() works on both).
    var params = expected.bind(new HashMap<>(Map.of("id", id, "owner", owner)));
    String sql = Rows.deleteOwned("tasks", expected);
    return Writes.writeOwned(db.autoCommit(), "tasks", sql, params, expected)
        .map(rows -> rows.size() > 0 ? Optional.of(id) : Optional.empty());
  }

  /**
   * Streams every task of {@code owner} in id order to {@code consumer} (see {@link
   * Database#stream}): rows are read from a cursor as the consumer asks for them.
   */
  Future<Void> export(UUID owner, Function<RowStream<Row>, Future<Void>> consumer) {
    String sql =
        "SELECT " + COLUMNS + " FROM tasks WHERE owner_id = " + db.param(1) + " ORDER BY id";
    return db.stream(sql, Tuple.of(owner), EXPORT_FETCH_SIZE, consumer);
  }

  static Task toTask(Row row) {
    return new Task(
        row.getLong("id"),
        row.getString("title"),
        row.getString("description"),
        Rows.bool(row, "is_completed"),
        Rows.instant(row, "created_at"),
        Rows.instant(row, "updated_at"),
        row.getLong("version"));
  }

  /**
   * Gives tasks without an owner (rows from before accounts existed) to {@code owner}, the admin;
   * returns how many.
   */
  public Future<Integer> adoptOrphans(UUID owner) {
    return db.write(ADOPT, Map.of("owner", owner)).map(rows -> rows.size());
  }

  /**
   * At most 4 distinct texts (keyset or offset, filter or not): each is prepared once and cached.
   */
  private static String listSql(PageRequest<Long> page, Boolean completed) {
    var conditions =
        completed == null
            ? List.of("owner_id = #{owner}")
            : List.of("owner_id = #{owner}", "is_completed = #{completed}");
    return page.byIdSql(COLUMNS, "tasks", conditions);
  }

  private static Optional<Task> first(RowSet<Row> rows) {
    return Rows.first(rows, TaskRepository::toTask);
  }

  private static List<Task> all(RowSet<Row> rows) {
    var tasks = new ArrayList<Task>(rows.size());
    for (Row row : rows) {
      tasks.add(toTask(row));
    }
    return tasks;
  }
}
