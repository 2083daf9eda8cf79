package dev.taskloop.system.config;

/**
 * A configuration value that cannot be used. The message is one line meant for an operator: the
 * variable, the offending value (secrets masked) and what is accepted. It never carries a stack
 * trace to the console.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  static ConfigException invalid(String variable, String shownValue, String accepted) {
    return new ConfigException(variable + "=" + quote(shownValue) + " is invalid: " + accepted);
  }

  private static String quote(String value) {
    return "\"" + value.replace("\"", "\\\"") + "\"";
  }
}
