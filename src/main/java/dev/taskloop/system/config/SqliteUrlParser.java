package dev.taskloop.system.config;

import static dev.taskloop.system.config.DatabaseUrl.VARIABLE;

import java.nio.file.Path;

/**
 * The SQLite spellings of {@code DATABASE_URL}: taskloop's {@code sqlite:<path>} and SQLAlchemy's
 * {@code sqlite:///relative.db} / {@code sqlite:////absolute.db}. Only a file will do: every pooled
 * connection must see the same database.
 */
final class SqliteUrlParser {
  private SqliteUrlParser() {}

  /** {@code url} is the whole URL (for errors), {@code rest} what follows the scheme's ':'. */
  static DatabaseUrl.Sqlite parse(String url, String rest) {
    String path = rest;
    if (path.startsWith("//")) { // SQLAlchemy: sqlite:///relative, sqlite:////absolute
      path = path.substring(2);
      if (!path.startsWith("/")) {
        throw AppConfig.Invalid.value(
            VARIABLE,
            url,
            "a SQLite URL has no host: use sqlite:///relative.db or sqlite:////absolute.db");
      }
      path = path.substring(1);
    }
    if (path.isEmpty()
        || path.equals(":memory:")
        || path.startsWith("file:")
        || path.contains("?")) {
      throw AppConfig.Invalid.value(
          VARIABLE,
          url,
          "expected a SQLite file path such as sqlite:./data/taskloop.db (in-memory databases and"
              + " URL options are not supported: every pooled connection must see the same file)");
    }
    return new DatabaseUrl.Sqlite(Path.of(path));
  }
}
