package dev.taskloop.system.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    /** JDBC URL for the migration tool (credentials are passed separately, never in the URL). */
    public String jdbcUrl() {
      return "jdbc:postgresql://" + hostPort() + "/" + database + "?sslmode=" + sslMode;
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
   * Parses a URL; throws {@link ConfigException} naming {@code DATABASE_URL} when it is unusable.
   */
  static DatabaseUrl parse(String raw) {
    String url = raw.strip();
    int colon = url.indexOf(':');
    if (colon <= 0) {
      throw ConfigException.invalid(VARIABLE, mask(url), ACCEPTED);
    }
    String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
    int plus = scheme.indexOf('+'); // SQLAlchemy's dialect+driver: the driver is ours to choose
    String dialect = plus < 0 ? scheme : scheme.substring(0, plus);
    String rest = url.substring(colon + 1);
    try {
      return switch (dialect) {
        case "sqlite" -> sqlite(url, rest);
        case "postgresql", "postgres" -> postgres(url, rest);
        default -> throw ConfigException.invalid(VARIABLE, mask(url), ACCEPTED);
      };
    } catch (IllegalArgumentException e) { // URLDecoder: a '%' not followed by two hex digits
      throw ConfigException.invalid(VARIABLE, mask(url), "malformed %-encoding (write '%' as %25)");
    }
  }

  private static Sqlite sqlite(String url, String rest) {
    String path = rest;
    if (path.startsWith("//")) { // SQLAlchemy: sqlite:///relative, sqlite:////absolute
      path = path.substring(2);
      if (!path.startsWith("/")) {
        throw ConfigException.invalid(
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
      throw ConfigException.invalid(
          VARIABLE,
          url,
          "expected a SQLite file path such as sqlite:./data/taskloop.db (in-memory databases and"
              + " URL options are not supported: every pooled connection must see the same file)");
    }
    return new Sqlite(Path.of(path));
  }

  private static Postgres postgres(String url, String rest) {
    if (!rest.startsWith("//")) {
      throw ConfigException.invalid(VARIABLE, mask(url), ACCEPTED);
    }
    String afterSlashes = rest.substring(2);
    int queryAt = afterSlashes.indexOf('?');
    String query = queryAt < 0 ? "" : afterSlashes.substring(queryAt + 1);
    String beforeQuery = queryAt < 0 ? afterSlashes : afterSlashes.substring(0, queryAt);
    // The host starts after the last '@', so a password with an unencoded '/' or '@' still parses.
    int slash = beforeQuery.indexOf('/', beforeQuery.lastIndexOf('@') + 1);
    String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String database = slash < 0 ? "" : decode(beforeQuery.substring(slash + 1));
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? "" : authority.substring(0, at);
    String hostPort = authority.substring(at + 1);

    String user;
    String password = null;
    int userColon = userInfo.indexOf(':');
    if (userColon < 0) {
      user = decode(userInfo);
    } else {
      user = decode(userInfo.substring(0, userColon));
      password = decode(userInfo.substring(userColon + 1));
    }

    String host;
    String portText = null;
    if (hostPort.startsWith("[")) { // IPv6 literal
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw ConfigException.invalid(VARIABLE, mask(url), "unterminated IPv6 address in host");
      }
      host = hostPort.substring(1, close);
      if (hostPort.length() > close + 1) {
        if (hostPort.charAt(close + 1) != ':') {
          throw ConfigException.invalid(VARIABLE, mask(url), ACCEPTED);
        }
        portText = hostPort.substring(close + 2);
      }
    } else {
      int portColon = hostPort.lastIndexOf(':');
      host = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
      portText = portColon < 0 ? null : hostPort.substring(portColon + 1);
    }
    if (host.isEmpty()) {
      throw ConfigException.invalid(VARIABLE, mask(url), "the host is missing; " + ACCEPTED);
    }
    int port = 5432;
    if (portText != null && !portText.isEmpty()) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw ConfigException.invalid(
            VARIABLE, mask(url), "the port must be a number from 1 to 65535");
      }
    }
    if (user.isEmpty()) {
      throw ConfigException.invalid(VARIABLE, mask(url), "the user name is missing; " + ACCEPTED);
    }
    if (database.isEmpty() || database.contains("/")) {
      throw ConfigException.invalid(
          VARIABLE, mask(url), "the database name is missing; " + ACCEPTED);
    }
    String sslMode = sslMode(url, query);
    return new Postgres(host, port, database, user, password, sslMode);
  }

  private static String sslMode(String url, String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      params.put(key, decode(eq < 0 ? "" : pair.substring(eq + 1)).toLowerCase(Locale.ROOT));
    }
    String sslMode = "prefer";
    for (var param : params.entrySet()) {
      switch (param.getKey()) {
        case "sslmode" -> sslMode = param.getValue();
        // asyncpg spells it ssl=require / ssl=true / ssl=false
        case "ssl" ->
            sslMode =
                switch (param.getValue()) {
                  case "true", "1" -> "require";
                  case "false", "0" -> "disable";
                  default -> param.getValue();
                };
        default ->
            throw ConfigException.invalid(
                VARIABLE,
                mask(url),
                "unsupported query parameter '" + param.getKey() + "' (accepted: sslmode)");
      }
    }
    if (!SSL_MODES.contains(sslMode)) {
      throw ConfigException.invalid(
          VARIABLE,
          mask(url),
          "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }
    return sslMode;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
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
