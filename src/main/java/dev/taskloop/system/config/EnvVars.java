package dev.taskloop.system.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Typed reads of environment variables; each failure names the variable and what it accepts. */
record EnvVars(Map<String, String> env) {
  static final Pattern HOST_NAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  String text(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  int integer(String name, int fallback, int min, int max) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    throw AppConfig.Invalid.value(name, value, "expected an integer from " + min + " to " + max);
  }

  boolean bool(String name, boolean fallback) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw AppConfig.Invalid.value(name, value, "expected true or false");
    };
  }

  String host(String name, String fallback) {
    String value = text(name, fallback);
    if (HOST_NAME.matcher(value).matches() || IPV6.matcher(value).matches()) {
      return value;
    }
    throw AppConfig.Invalid.value(
        name, value, "expected an IP address (such as 0.0.0.0 or ::) or a host name");
  }

  String logLevel(String name, String fallback) {
    String value = text(name, fallback).toUpperCase(Locale.ROOT);
    return switch (value) {
      case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> value;
      case "WARNING" -> "WARN"; // Python's spelling
      case "CRITICAL" -> "ERROR";
      default ->
          throw AppConfig.Invalid.value(
              name, text(name, fallback), "expected TRACE, DEBUG, INFO, WARN or ERROR");
    };
  }
}
