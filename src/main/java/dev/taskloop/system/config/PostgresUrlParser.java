package dev.taskloop.system.config;

import static dev.taskloop.system.config.DatabaseUrl.ACCEPTED;
import static dev.taskloop.system.config.DatabaseUrl.SSL_MODES;
import static dev.taskloop.system.config.DatabaseUrl.VARIABLE;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL spellings of {@code DATABASE_URL}: {@code
 * postgresql://user:password@host:port/database} with an optional {@code sslmode} (or asyncpg's
 * {@code ssl}) query parameter. User, password and database are %-decoded; errors show the URL with
 * its password masked.
 */
final class PostgresUrlParser {
  private static final int DEFAULT_PORT = 5432;

  private record HostPort(String host, int port) {}

  private PostgresUrlParser() {}

  /**
   * {@code url} is the whole URL (for errors), {@code rest} what follows the scheme's ':'. Throws
   * {@link IllegalArgumentException} for a malformed %-encoding, {@link AppConfig.Invalid}
   * otherwise.
   */
  static DatabaseUrl.Postgres parse(String url, String rest) {
    if (!rest.startsWith("//")) {
      throw invalid(url, ACCEPTED);
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
    int userColon = userInfo.indexOf(':');
    String user = decode(userColon < 0 ? userInfo : userInfo.substring(0, userColon));
    String password = userColon < 0 ? null : decode(userInfo.substring(userColon + 1));
    HostPort hostPort = hostPort(url, authority.substring(at + 1));
    if (user.isEmpty()) {
      throw invalid(url, "the user name is missing; " + ACCEPTED);
    }
    if (database.isEmpty() || database.contains("/")) {
      throw invalid(url, "the database name is missing; " + ACCEPTED);
    }
    String sslMode = sslMode(url, query);
    return new DatabaseUrl.Postgres(
        hostPort.host(), hostPort.port(), database, user, password, sslMode);
  }

  private static HostPort hostPort(String url, String hostPort) {
    String host;
    String portText = null;
    if (hostPort.startsWith("[")) { // IPv6 literal
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw invalid(url, "unterminated IPv6 address in host");
      }
      host = hostPort.substring(1, close);
      if (hostPort.length() > close + 1) {
        if (hostPort.charAt(close + 1) != ':') {
          throw invalid(url, ACCEPTED);
        }
        portText = hostPort.substring(close + 2);
      }
    } else {
      int portColon = hostPort.lastIndexOf(':');
      host = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
      portText = portColon < 0 ? null : hostPort.substring(portColon + 1);
    }
    if (host.isEmpty()) {
      throw invalid(url, "the host is missing; " + ACCEPTED);
    }
    return new HostPort(host, port(url, portText));
  }

  private static int port(String url, String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_PORT;
    }
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw invalid(url, "the port must be a number from 1 to 65535");
    }
    return port;
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
            throw invalid(
                url, "unsupported query parameter '" + param.getKey() + "' (accepted: sslmode)");
      }
    }
    if (!SSL_MODES.contains(sslMode)) {
      throw invalid(
          url, "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }
    return sslMode;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static AppConfig.Invalid invalid(String url, String accepted) {
    return AppConfig.Invalid.value(VARIABLE, DatabaseUrl.mask(url), accepted);
  }
}
