package dev.taskloop.system.db;

import dev.taskloop.system.text.Emails;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema v4, on both databases: recomputes {@code users.email_normalized} with {@link Emails#key}
 * (NFKC and case folding) where it differs from the plain lower-casing v2 stored, so that existing
 * accounts keep logging in. Two existing accounts whose addresses turn out to be look-alikes keep
 * their old keys (both still log in with their own spelling) and are named in a WARN line.
 */
final class EmailKeysMigration implements JavaMigration {
  private static final Logger LOG = LoggerFactory.getLogger(EmailKeysMigration.class);

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("4");
  }

  @Override
  public String getDescription() {
    return "email keys";
  }

  @Override
  public Integer getChecksum() {
    return 4; // code, not a script: a constant keeps validation stable
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    Map<Object, String[]> users = new LinkedHashMap<>(); // id -> {old key, new key}
    try (var statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, email, email_normalized FROM users")) {
      while (rows.next()) {
        String key = Emails.key(Emails.canonical(rows.getString(2)));
        users.put(rows.getObject(1), new String[] {rows.getString(3), key});
      }
    }
    var owners = new HashMap<String, Object>(); // every key in use after the migration -> its id
    users.forEach((id, keys) -> owners.putIfAbsent(keys[0], id));
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE users SET email_normalized = ? WHERE id = ?")) {
      for (var user : users.entrySet()) {
        String[] keys = user.getValue();
        if (keys[0].equals(keys[1])) {
          continue;
        }
        Object holder = owners.putIfAbsent(keys[1], user.getKey());
        if (holder != null && !holder.equals(user.getKey())) {
          LOG.warn(
              "users {} and {} have look-alike email addresses; {} keeps its old email key",
              holder,
              user.getKey(),
              user.getKey());
          continue;
        }
        update.setString(1, keys[1]);
        update.setObject(2, user.getKey());
        update.executeUpdate();
      }
    }
  }
}
