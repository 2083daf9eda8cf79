package dev.taskloop.system.idempotency;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.Rows;
import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL of Idempotency-Keys (table {@code idempotency_keys}, migration V6), the same text on both
 * databases. A key is claimed by one atomic upsert, so of two requests with one key, on any number
 * of instances, exactly one runs; the response is stored in the transaction of the write it
 * describes.
 */
final class IdempotencyRepository {
  /**
   * Takes a new key, an expired one (not while its request still runs), or one whose request died
   * holding it (same payload).
   */
  private static final String CLAIM =
      "INSERT INTO idempotency_keys (owner_id, key_hash, fingerprint, claim, locked_until,"
          + " expires_at) VALUES (#{owner}, #{key}, #{fingerprint}, #{claim}, #{lockedUntil},"
          + " #{expires}) ON CONFLICT (owner_id, key_hash) DO UPDATE SET"
          + " fingerprint = excluded.fingerprint, claim = excluded.claim,"
          + " locked_until = excluded.locked_until, expires_at = excluded.expires_at,"
          + " status = NULL, location = NULL, etag = NULL, body = NULL"
          + " WHERE (idempotency_keys.expires_at < #{now} AND (idempotency_keys.status IS NOT NULL"
          + " OR idempotency_keys.locked_until < #{now})) OR (idempotency_keys.status IS NULL"
          + " AND idempotency_keys.locked_until < #{now}"
          + " AND idempotency_keys.fingerprint = excluded.fingerprint) RETURNING claim";

  private static final String FIND =
      "SELECT fingerprint, status, location, etag, body, locked_until FROM idempotency_keys"
          + " WHERE owner_id = #{owner} AND key_hash = #{key}";

  private static final String COMPLETE =
      "UPDATE idempotency_keys SET status = #{status}, location = #{location}, etag = #{etag},"
          + " body = #{body} WHERE owner_id = #{owner} AND key_hash = #{key} AND claim = #{claim}"
          + " RETURNING claim";

  private static final String RELEASE =
      "DELETE FROM idempotency_keys WHERE owner_id = #{owner} AND key_hash = #{key}"
          + " AND claim = #{claim} AND status IS NULL";

  private static final String CLEAN_UP =
      "DELETE FROM idempotency_keys WHERE (owner_id, key_hash) IN (SELECT owner_id, key_hash"
          + " FROM idempotency_keys WHERE expires_at < #{now}"
          + " AND (status IS NOT NULL OR locked_until < #{now}) LIMIT #{batch}) RETURNING key_hash";

  /** A stored key: {@code status} null while its first request runs. */
  record Stored(
      String fingerprint,
      Integer status,
      String location,
      String etag,
      String body,
      Instant lockedUntil) {}

  private final Database db;

  IdempotencyRepository(Database db) {
    this.db = db;
  }

  /** Whether this request ({@code claim}) now holds the key, for {@code lease} at most. */
  Future<Boolean> claim(UUID owner, IdempotencyKey key, UUID claim, Duration lease, Duration ttl) {
    Instant now = Instant.now();
    var params = row(owner, key.hash(), claim);
    params.put("fingerprint", key.fingerprint());
    params.put("lockedUntil", db.timestamp(now.plus(lease)));
    params.put("expires", db.timestamp(now.plus(ttl)));
    params.put("now", db.timestamp(now));
    return db.write(CLAIM, params).map(rows -> rows.size() > 0);
  }

  Future<Optional<Stored>> find(UUID owner, IdempotencyKey key) {
    return db.read(FIND, Map.of("owner", owner, "key", key.hash()))
        .map(
            rows ->
                Rows.first(
                    rows,
                    row ->
                        new Stored(
                            row.getString("fingerprint"),
                            row.getInteger("status"),
                            row.getString("location"),
                            row.getString("etag"),
                            row.getString("body"),
                            Rows.instant(row, "locked_until"))));
  }

  /**
   * Stores the response in the transaction of the write ({@code scope}); false when the claim was
   * lost meanwhile (the request outlived its lease and another took the key over).
   */
  Future<Boolean> complete(
      Writes.Scope scope, UUID owner, IdempotencyKey key, UUID claim, Idempotency.Answer answer) {
    var params = row(owner, key.hash(), claim);
    params.put("status", answer.status());
    params.put("location", answer.location());
    params.put("etag", answer.etag());
    params.put("body", Sealed.seal(key, owner, answer));
    return scope.execute(COMPLETE, params).map(rows -> rows.size() > 0);
  }

  /** Gives the key up after a failed write, so that a retry runs again. */
  Future<Void> release(UUID owner, IdempotencyKey key, UUID claim) {
    return db.write(RELEASE, row(owner, key.hash(), claim)).mapEmpty();
  }

  /** Deletes up to {@code batch} expired keys; how many. */
  Future<Integer> cleanUp(int batch) {
    return db.write(CLEAN_UP, Map.of("now", db.now(), "batch", batch)).map(rows -> rows.size());
  }

  private static Map<String, Object> row(UUID owner, String keyHash, UUID claim) {
    var params = new HashMap<String, Object>();
    params.put("owner", owner);
    params.put("key", keyHash);
    params.put("claim", claim);
    return params;
  }
}
