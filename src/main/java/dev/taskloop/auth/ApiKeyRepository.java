package dev.taskloop.auth;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Slice;
import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** All SQL about API keys. */
public final class ApiKeyRepository {
  /** The NOTIFY channel of revocations (see {@link Authenticator}). */
  static final String CHANNEL = "taskloop_auth";

  private static final String INSERT =
      "INSERT INTO api_keys (id, user_id, prefix, key_hash, name, created_at, expires_at)"
          + " VALUES (#{id}, #{user}, #{prefix}, #{hash}, #{name}, #{now}, #{expires})";
  private static final String FIND_FOR_AUTH =
      "SELECT k.id, k.user_id, k.key_hash, k.expires_at, k.revoked_at, u.is_active, u.is_admin"
          + " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = #{prefix}";
  private static final String LIST =
      "SELECT id, name, prefix, created_at, last_used_at, expires_at FROM api_keys"
          + " WHERE user_id = #{user} AND revoked_at IS NULL ORDER BY created_at, id"
          + " LIMIT #{limit} OFFSET #{skip}";
  private static final String LIST_AFTER =
      "SELECT id, name, prefix, created_at, last_used_at, expires_at FROM api_keys"
          + " WHERE user_id = #{user} AND revoked_at IS NULL"
          // the cursor key must be the caller's own: another user's key id behaves like an
          // unknown one (no rows), so the list cannot confirm that it exists
          + " AND (created_at, id) > (SELECT created_at, id FROM api_keys"
          + " WHERE id = #{after} AND user_id = #{user})"
          + " ORDER BY created_at, id LIMIT #{limit}";
  private static final String REVOKE =
      "UPDATE api_keys SET revoked_at = #{now}"
          + " WHERE id = #{id} AND user_id = #{user} AND revoked_at IS NULL RETURNING prefix";
  private static final String REVOKE_OTHERS =
      "UPDATE api_keys SET revoked_at = #{now}"
          + " WHERE user_id = #{user} AND id <> #{keep} AND revoked_at IS NULL";
  private static final String TOUCH = "UPDATE api_keys SET last_used_at = #{now} WHERE id = #{id}";

  /** What authentication needs about a key, in one indexed lookup. */
  record KeyRecord(
      UUID id,
      UUID userId,
      byte[] hash,
      Instant expiresAt,
      boolean revoked,
      boolean userActive,
      boolean admin) {}

  private final Database db;

  ApiKeyRepository(Database db) {
    this.db = db;
  }

  /** Stores a new key of {@code userId} in {@code scope} (on its own, or sign-up's transaction). */
  public Future<NewApiKey> create(Writes.Scope scope, UUID userId, String name, Instant expiresAt) {
    ApiKeys.Generated key = ApiKeys.generate();
    UUID id = UUID.randomUUID();
    Instant now = Rows.micros(Instant.now());
    var params = new HashMap<String, Object>();
    params.put("id", id);
    params.put("user", userId);
    params.put("prefix", key.prefix());
    params.put("hash", key.hash());
    params.put("name", name);
    params.put("now", db.timestamp(now));
    params.put("expires", expiresAt == null ? null : db.timestamp(expiresAt));
    return scope
        .execute(INSERT, params)
        .map(done -> new NewApiKey(id, key.raw(), key.prefix(), name, now, Rows.micros(expiresAt)));
  }

  Future<Optional<KeyRecord>> findForAuth(String prefix) {
    return db.read(FIND_FOR_AUTH, Map.of("prefix", prefix))
        .map(
            rows ->
                Rows.first(
                    rows,
                    row ->
                        new KeyRecord(
                            row.getUUID("id"),
                            row.getUUID("user_id"),
                            ApiKeys.hashBytes(row.getString("key_hash")),
                            Rows.instant(row, "expires_at"),
                            row.getValue("revoked_at") != null,
                            Rows.bool(row, "is_active"),
                            Rows.bool(row, "is_admin"))));
  }

  /** The user's keys that are not revoked (expired ones included, with their expiry). */
  public Future<Slice<ApiKey>> list(UUID userId, PageRequest<UUID> page) {
    var params = page.params();
    params.put("user", userId);
    var query = db.read(page.after() == null ? LIST : LIST_AFTER, params);
    return query.map(
        rows -> {
          var keys = new ArrayList<ApiKey>();
          for (Row row : rows) {
            keys.add(
                new ApiKey(
                    row.getUUID("id"),
                    row.getString("name"),
                    row.getString("prefix"),
                    Rows.instant(row, "created_at"),
                    Rows.instant(row, "last_used_at"),
                    Rows.instant(row, "expires_at")));
          }
          return page.slice(keys);
        });
  }

  /** Revokes one of the user's keys; its prefix, or empty when there is no such live key. */
  public Future<Optional<String>> revoke(SqlConnection tx, UUID userId, UUID keyId) {
    var params = Map.<String, Object>of("id", keyId, "user", userId, "now", db.now());
    return db.on(tx, REVOKE, params).map(rows -> Rows.first(rows, row -> row.getString("prefix")));
  }

  /** Revokes every key of the user but {@code keep}, inside a transaction. */
  public Future<Void> revokeOthers(SqlConnection tx, UUID userId, UUID keep) {
    return db.on(tx, REVOKE_OTHERS, Map.of("user", userId, "keep", keep, "now", db.now()))
        .mapEmpty();
  }

  /**
   * Tells every instance {@code payload} on channel {@value #CHANNEL} when {@code tx} commits
   * (PostgreSQL NOTIFY; nothing on SQLite, which is one instance).
   */
  Future<Void> announce(SqlConnection tx, String payload) {
    return db.notifications().announce(tx, CHANNEL, payload);
  }

  /** Hears every instance's announcements; {@code onSubscribed} after each (re)subscription. */
  void listen(Consumer<String> onMessage, Runnable onSubscribed) {
    db.notifications().listen(CHANNEL, onMessage, onSubscribed);
  }

  Future<Void> touch(UUID keyId) {
    return db.write(TOUCH, Map.of("id", keyId, "now", db.now())).mapEmpty();
  }
}
