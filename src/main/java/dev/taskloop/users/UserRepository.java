package dev.taskloop.users;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import dev.taskloop.system.text.Emails;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL about users. Emails are unique through {@code email_normalized}, their {@link
 * Emails#key}: case and Unicode look-alikes count as the same address.
 */
final class UserRepository {
  private static final String COLUMNS = "id, email, name, is_active, is_admin, created_at, version";
  private static final String INSERT =
      "INSERT INTO users (id, email, email_normalized, name, password_hash, is_active, is_admin,"
          + " created_at, updated_at) VALUES (#{id}, #{email}, #{normalized}, #{name}, #{hash}, #{active},"
          + " #{admin}, #{now}, #{now})";
  private static final String FIND = "SELECT " + COLUMNS + " FROM users WHERE id = #{id}";
  private static final String FIND_LOGIN =
      "SELECT " + COLUMNS + ", password_hash FROM users WHERE email_normalized = #{normalized}";
  private static final String PASSWORD_HASH = "SELECT password_hash FROM users WHERE id = #{id}";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM users ORDER BY created_at, id LIMIT #{limit} OFFSET #{skip}";
  private static final String LIST_AFTER =
      "SELECT "
          + COLUMNS
          + " FROM users"
          + " WHERE (created_at, id) > (SELECT created_at, id FROM users WHERE id = #{after})"
          + " ORDER BY created_at, id LIMIT #{limit}";

  /** Then the condition of an If-Match, and RETURNING. */
  private static final String SET_NAME =
      "UPDATE users SET name = #{name}, updated_at = #{now}, " + Writes.BUMP + " WHERE id = #{id}";

  /** Then the condition of an If-Match, and RETURNING. */
  private static final String SET_ACTIVE =
      "UPDATE users SET is_active = #{active}, updated_at = #{now}, "
          + Writes.BUMP
          + " WHERE id = #{id}";

  /** Then the condition of an If-Match, and RETURNING. */
  private static final String SET_PASSWORD =
      "UPDATE users SET password_hash = #{hash}, updated_at = #{now}, "
          + Writes.BUMP
          + " WHERE id = #{id}";

  private static final String MAKE_ADMIN =
      "UPDATE users SET is_admin = #{admin}, updated_at = #{now}, "
          + Writes.BUMP
          + " WHERE id = #{id}";

  /** A user with the password hash, for logins only; never serialized. */
  record Credentials(User user, String passwordHash) {}

  private final Database db;

  UserRepository(Database db) {
    this.db = db;
  }

  /** The uniqueness and login key of an email (see {@link Emails#key}). */
  static String normalize(String email) {
    return Emails.key(email);
  }

  /** Inserts a user; it commits on its own. A taken email fails with a UNIQUE violation. */
  Future<User> create(String email, String name, String passwordHash, boolean admin) {
    return create(Optional.empty(), email, name, passwordHash, admin);
  }

  /** Inserts a user inside the transaction {@code tx} (sign-up). */
  Future<User> create(
      SqlConnection tx, String email, String name, String passwordHash, boolean admin) {
    return create(Optional.of(tx), email, name, passwordHash, admin);
  }

  private Future<User> create(
      Optional<SqlConnection> tx, String email, String name, String passwordHash, boolean admin) {
    UUID id = UUID.randomUUID();
    Instant now = Rows.micros(Instant.now());
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("email", email);
    params.put("normalized", normalize(email));
    params.put("name", name);
    params.put("hash", passwordHash);
    params.put("active", true);
    params.put("admin", admin);
    params.put("now", db.timestamp(now));
    var insert =
        tx.map(conn -> db.on(conn, INSERT, params)).orElseGet(() -> db.write(INSERT, params));
    return insert.map(done -> new User(id, email, name, true, admin, now, 1));
  }

  Future<Optional<User>> find(UUID id) {
    return db.read(FIND, Map.of("id", id)).map(UserRepository::first);
  }

  Future<Optional<Credentials>> findForLogin(String email) {
    return db.read(FIND_LOGIN, Map.of("normalized", normalize(email)))
        .map(
            rows ->
                Rows.first(
                    rows, row -> new Credentials(toUser(row), row.getString("password_hash"))));
  }

  Future<Optional<String>> passwordHash(UUID id) {
    return db.read(PASSWORD_HASH, Map.of("id", id))
        .map(
            rows ->
                rows.iterator().hasNext()
                    ? Optional.of(rows.iterator().next().getString(0))
                    : Optional.empty());
  }

  Future<Slice<User>> list(PageRequest<UUID> page) {
    var query =
        page.after() == null ? db.scan(LIST, page.params()) : db.read(LIST_AFTER, page.params());
    return query.map(
        rows -> {
          var users = new ArrayList<User>();
          for (Row row : rows) {
            users.add(toUser(row));
          }
          return page.slice(users);
        });
  }

  /** Renames a user that exists; {@link Writes.Stale} when not at an {@code expected} version. */
  Future<Optional<User>> setName(UUID id, String name, Writes.Expected expected) {
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("name", name);
    params.put("now", db.now());
    String sql = SET_NAME + expected.sql() + " RETURNING " + COLUMNS;
    return db.write(sql, expected.bind(params)).map(rows -> first(Writes.existing(expected, rows)));
  }

  Future<Void> setName(SqlConnection tx, UUID id, String name) {
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("name", name);
    params.put("now", db.now());
    return db.on(tx, SET_NAME, params).mapEmpty();
  }

  /**
   * (De)activates a user; empty when there is none, {@link Writes.Stale} when it is not at an
   * {@code expected} version.
   */
  Future<Optional<User>> setActive(
      SqlConnection tx, UUID id, boolean active, Writes.Expected expected) {
    var params = expected.bind(new HashMap<>(Map.of("id", id, "active", active, "now", db.now())));
    String sql = SET_ACTIVE + expected.sql() + " RETURNING " + COLUMNS;
    var scope = db.within(tx);
    return scope
        .execute(sql, params)
        .compose(rows -> Writes.settle(scope, expected, rows, FIND, Map.of("id", id)))
        .map(UserRepository::first);
  }

  /** Sets the hash of a user that exists; {@link Writes.Stale} at another version. */
  Future<Void> setPassword(SqlConnection tx, UUID id, String hash, Writes.Expected expected) {
    var params = expected.bind(new HashMap<>(Map.of("id", id, "hash", hash, "now", db.now())));
    return db.on(tx, SET_PASSWORD + expected.sql() + " RETURNING id", params)
        .map(rows -> Writes.existing(expected, rows))
        .mapEmpty();
  }

  Future<Void> makeAdmin(UUID id) {
    return db.write(MAKE_ADMIN, Map.of("id", id, "admin", true, "now", db.now())).mapEmpty();
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return Rows.first(rows, UserRepository::toUser);
  }

  private static User toUser(Row row) {
    return new User(
        row.getUUID("id"),
        row.getString("email"),
        row.getString("name"),
        Rows.bool(row, "is_active"),
        Rows.bool(row, "is_admin"),
        Rows.instant(row, "created_at"),
        row.getLong("version"));
  }
}
