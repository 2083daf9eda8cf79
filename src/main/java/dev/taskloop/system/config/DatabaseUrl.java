package dev.taskloop.system.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Where the data lives, parsed from {@code DATABASE_URL}.
 *
 * <p>Accepted spellings, so that a URL can be pasted from a Python project:
 *
 * <ul>
 *   <li>{@code sqlite:<path>} (taskloop's own form, e.g. {@code sqlite:./data/taskloop.db});
 *   <li>SQLAlchemy's {@code sqlite:///relative.db}, {@code sqlite:////absolute.db} and {@code
 *       sqlite+aiosqlite:///...};
 *   <li>{@code postgresql://user:pass@host:port/db}, {@code postgres://...} and {@code
 *       postgresql+asyncpg://...} (any {@code +driver} suffix), with an optional {@code sslmode}
 *       (or asyncpg's {@code ssl}) query parameter.
 * </ul>
 */
public sealed interface DatabaseUrl {

  /**
   * Short name of the database kind, as logged and reported: {@code sqlite} or {@code postgresql}.
   */
  String kind();

  /** The URL with any password masked; safe to log and to print in errors. */
  String masked();

  /** The JDBC URL of the same database, without credentials (blocking JDBC: Flyway, the report). */
  String jdbcUrl();

  /** An embedded SQLite database file. */
  record Sqlite(Path file) implements DatabaseUrl {
    @Override
    public String kind() {
      return "sqlite";
    }

    @Override
    public String masked() {
      return "sqlite:" + file;
    }

    @Override
    public String jdbcUrl() {
      return "jdbc:sqlite:" + file;
    }
  }

  /**
   * A PostgreSQL server. {@code sslMode} uses libpq's names (disable, allow, prefer, require,
   * verify-ca, verify-full); {@code password} may be null.
   */
  record Postgres(
      String host, int port, String database, String user, String password, String sslMode)
      implements DatabaseUrl {
    @Override
    public String kind() {
      return "postgresql";
    }

    @Override
    public String masked() {
      String auth = user + (password == null ? "" : ":***") + "@";
      String ssl = sslMode.equals("prefer") ? "" : "?sslmode=" + sslMode;
      return "postgresql://" + auth + hostPort() + "/" + database + ssl;
    }

    /**
     * JDBC URL for the migration tool and the report (credentials are passed separately, never in
     * the URL). {@code prepareThreshold=0}: no named server-side prepared statements, which a
     * PgBouncer in transaction mode would hand to another client's connection; these connections
     * run few statements each, so nothing is lost.
     */
    @Override
    public String jdbcUrl() {
      return "jdbc:postgresql://"
          + hostPort()
          + "/"
          + database
          + "?sslmode="
          + sslMode
          + "&prepareThreshold=0";
    }

    private String hostPort() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() { // records print every component: keep the password out of logs
      return masked();
    }
  }

  String VARIABLE = "DATABASE_URL";
  String ACCEPTED =
      "expected sqlite:<path> (e.g. sqlite:./data/taskloop.db) or"
          + " postgresql://user:password@host:port/database";
  Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /**
   * Parses a URL; throws {@link AppConfig.Invalid} naming {@code DATABASE_URL} when it is unusable.
   */
  static DatabaseUrl parse(String raw) {
    String url = raw.strip();
    int colon = url.indexOf(':');
    if (colon <= 0) {
      throw AppConfig.Invalid.value(VARIABLE, mask(url), ACCEPTED);
    }
    String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
    int plus = scheme.indexOf('+'); // SQLAlchemy's dialect+driver: the driver is ours to choose
    String dialect = plus < 0 ? scheme : scheme.substring(0, plus);
    String rest = url.substring(colon + 1);
    try {
      return switch (dialect) {
        case "sqlite" -> SqliteUrlParser.parse(url, rest);
        case "postgresql", "postgres" -> PostgresUrlParser.parse(url, rest);
        default -> throw AppConfig.Invalid.value(VARIABLE, mask(url), ACCEPTED);
      };
    } catch (IllegalArgumentException e) { // URLDecoder: a '%' not followed by two hex digits
      throw AppConfig.Invalid.value(VARIABLE, mask(url), "malformed %-encoding (write '%' as %25)");
    }
  }

  /**
   * Masks the password of a URL that may not even parse, for error messages: everything between the
   * first ':' after "://" and the last '@' (passwords may contain '/', '@' or ':').
   */
  static String mask(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return url;
    }
    int start = schemeEnd + 3;
    int query = url.indexOf('?', start);
    int at = url.lastIndexOf('@', query < 0 ? url.length() : query);
    int colon = url.indexOf(':', start);
    if (at < start || colon < 0 || colon > at) {
      return url;
    }
    return url.substring(0, colon + 1) + "***" + url.substring(at);
  }
}
