package dev.taskloop.users;

import dev.taskloop.system.db.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * All SQL of the shared login limits (PostgreSQL only: table {@code login_failures}, migration V5).
 * A row counts the failures of one bucket in its window; buckets are stored as the hex SHA-256 of
 * their key, so no email that someone tried (existing or not) or address is kept in the clear, and
 * every key has the same size; unsalted, it hides nothing from a database reader who guesses the
 * email or address. Each statement is one atomic round trip on the write pool.
 */
final class LoginFailureRepository {
  /** Counts one attempt on both buckets, starting a new window where the old one has ended. */
  private static final String COUNT =
      "INSERT INTO login_failures AS f (bucket, failures, window_ends) VALUES"
          + " (#{subject}, 1, now() + make_interval(secs => #{window}::int)),"
          + " (#{address}, 1, now() + make_interval(secs => #{window}::int))"
          + " ON CONFLICT (bucket) DO UPDATE SET"
          + " failures = CASE WHEN f.window_ends <= now() THEN 1 ELSE f.failures + 1 END,"
          + " window_ends = CASE WHEN f.window_ends <= now() THEN EXCLUDED.window_ends"
          + " ELSE f.window_ends END"
          + " RETURNING bucket, failures,"
          + " GREATEST(1, CEIL(EXTRACT(EPOCH FROM window_ends - now())))::int AS seconds_left";

  /*
   * Only COUNT holds two rows at once, and it locks the subject's before the address's (a subject
   * row is never another attempt's address row), so COUNTs cannot deadlock. Every other statement
   * touches one row: UNCOUNT and SUCCEEDED run per bucket, subject first, and the clean-up skips
   * rows an attempt holds.
   */

  /** Takes back one bucket's count of an attempt that was refused: it never ran. */
  private static final String UNCOUNT =
      "UPDATE login_failures SET failures = failures - 1 WHERE bucket = #{bucket} AND failures > 0";

  /** A right password: the subject starts over. */
  private static final String CLEAR = "DELETE FROM login_failures WHERE bucket = #{bucket}";

  private static final String CLEAN_UP =
      "DELETE FROM login_failures WHERE bucket IN (SELECT bucket FROM login_failures"
          + " WHERE window_ends < now() LIMIT 10000 FOR UPDATE SKIP LOCKED)";

  private final Database db;

  LoginFailureRepository(Database db) {
    this.db = db;
  }

  /** A bucket's count after this attempt, and the seconds until its window ends. */
  record Count(int failures, int secondsLeft) {}

  /** The two buckets' counts, this attempt included: {@code [subject, address]}. */
  Future<Count[]> count(String subject, String address, long windowSeconds) {
    String s = bucket(subject), a = bucket(address);
    return db.write(COUNT, Map.of("subject", s, "address", a, "window", (int) windowSeconds))
        .map(
            rows -> {
              var counts = new HashMap<String, Count>();
              for (Row row : rows) {
                counts.put(
                    row.getString("bucket"),
                    new Count(row.getInteger("failures"), row.getInteger("seconds_left")));
              }
              return new Count[] {counts.get(s), counts.get(a)};
            });
  }

  Future<Void> uncount(String subject, String address) {
    return db.write(UNCOUNT, Map.of("bucket", bucket(subject)))
        .compose(done -> db.write(UNCOUNT, Map.of("bucket", bucket(address))))
        .mapEmpty();
  }

  /** A right password: the subject starts over, the address gets its try back. */
  Future<Void> succeeded(String subject, String address) {
    return db.write(CLEAR, Map.of("bucket", bucket(subject)))
        .compose(done -> db.write(UNCOUNT, Map.of("bucket", bucket(address))))
        .mapEmpty();
  }

  /** Deletes (up to 10,000 of) the rows whose window has ended; how many. */
  Future<Integer> cleanUp() {
    return db.write(CLEAN_UP, Map.of()).map(rows -> rows.rowCount());
  }

  private static String bucket(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) { // every JVM has SHA-256
      throw new IllegalStateException(e);
    }
  }
}
