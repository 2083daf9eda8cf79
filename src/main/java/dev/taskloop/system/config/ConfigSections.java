package dev.taskloop.system.config;

import dev.taskloop.system.text.Emails;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the configuration's sections from the environment: see the records in {@link AppConfig}.
 */
final class ConfigSections {
  // Argon2id defaults: OWASP's minimum for Argon2id (Password Storage Cheat Sheet: m=19 MiB, t=2,
  // p=1), per hash: memory, passes over it, lanes (and threads). Lower is weaker than that advice;
  // higher costs every login and sign-up more memory and time on the hashing workers.
  static final int DEFAULT_HASH_MEMORY_KIB = 19_456;
  static final int DEFAULT_HASH_ITERATIONS = 2;
  static final int DEFAULT_HASH_PARALLELISM = 1;

  private ConfigSections() {}

  static AppConfig.Http http(EnvVars vars) {
    return new AppConfig.Http(
        Duration.ofMillis(vars.integer("HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 3_600_000)),
        Duration.ofMillis(vars.integer("HTTP_BODY_TIMEOUT_MS", 30_000, 100, 3_600_000)),
        Duration.ofSeconds(vars.integer("HTTP_IDLE_TIMEOUT_S", 60, 1, 86_400)));
  }

  static AppConfig.Auth auth(EnvVars vars) {
    String rawEmail = vars.text("ADMIN_EMAIL", null);
    String adminPassword = vars.text("ADMIN_PASSWORD", null);
    if ((rawEmail == null) != (adminPassword == null)) {
      throw new AppConfig.Invalid(
          (rawEmail == null ? "ADMIN_PASSWORD" : "ADMIN_EMAIL")
              + " is set without "
              + (rawEmail == null ? "ADMIN_EMAIL" : "ADMIN_PASSWORD")
              + ": set both to create the admin at startup, or neither");
    }
    Emails.Checked email = rawEmail == null ? null : Emails.check(rawEmail);
    if (email != null && email.problem() != null) { // the API's rule and wording
      throw AppConfig.Invalid.value("ADMIN_EMAIL", email.canonical(), email.problem());
    }
    String adminEmail = email == null ? null : email.canonical();
    int passwordLength =
        adminPassword == null ? 0 : adminPassword.codePointCount(0, adminPassword.length());
    if (adminPassword != null
        && (passwordLength < AppConfig.Auth.PASSWORD_MIN
            || passwordLength > AppConfig.Auth.PASSWORD_MAX)) {
      throw new AppConfig.Invalid(
          "ADMIN_PASSWORD is invalid: expected %d to %d characters"
              .formatted(AppConfig.Auth.PASSWORD_MIN, AppConfig.Auth.PASSWORD_MAX));
    }
    return new AppConfig.Auth(
        vars.bool("SIGNUP_ENABLED", true),
        adminEmail,
        adminPassword == null ? null : new AppConfig.Secret(adminPassword),
        vars.integer("PASSWORD_HASH_MEMORY_KIB", DEFAULT_HASH_MEMORY_KIB, 64, 4_194_304),
        vars.integer("PASSWORD_HASH_ITERATIONS", DEFAULT_HASH_ITERATIONS, 1, 100),
        vars.integer("PASSWORD_HASH_PARALLELISM", DEFAULT_HASH_PARALLELISM, 1, 64),
        vars.integer("PASSWORD_HASH_WORKERS", 2, 1, 64),
        vars.integer("LOGIN_MAX_FAILURES", 5, 1, 1000),
        vars.integer("LOGIN_MAX_FAILURES_PER_ADDRESS", 100, 1, 1_000_000),
        Duration.ofSeconds(vars.integer("LOGIN_WINDOW_S", 900, 1, 86_400)),
        Duration.ofSeconds(vars.integer("AUTH_CACHE_TTL_S", 5, 0, 60)));
  }

  static AppConfig.Observability observability(EnvVars vars) {
    var otel = new TreeMap<String, String>();
    vars.env()
        .forEach(
            (name, value) -> {
              if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
                otel.put(name, value.strip());
              }
            });
    return new AppConfig.Observability(
        vars.bool("METRICS_ENABLED", true),
        vars.integer("MANAGEMENT_PORT", -1, -1, 65535),
        vars.bool("ACCESS_LOG", true),
        logFormat(vars),
        Map.copyOf(otel),
        tracing(otel));
  }

  private static boolean tracing(Map<String, String> otel) {
    boolean endpoint =
        otel.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
            || otel.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    return endpoint && !"true".equalsIgnoreCase(otel.get("OTEL_SDK_DISABLED"));
  }

  private static AppConfig.Observability.LogFormat logFormat(EnvVars vars) {
    String value = vars.text("LOG_FORMAT", "text");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "text" -> AppConfig.Observability.LogFormat.TEXT;
      case "json" -> AppConfig.Observability.LogFormat.JSON;
      default -> throw AppConfig.Invalid.value("LOG_FORMAT", value, "expected text or json");
    };
  }

  static PoolGuards poolGuards(EnvVars vars) {
    return new PoolGuards(
        vars.integer("DB_POOL_MAX_WAITING", 128, 0, 100_000),
        Duration.ofMillis(vars.integer("DB_LEAK_THRESHOLD_MS", 5000, 0, 86_400_000)),
        Duration.ofSeconds(vars.integer("DB_MAX_LIFETIME_S", 1800, 0, 86_400 * 7)),
        Duration.ofSeconds(vars.integer("DB_IDLE_TIMEOUT_S", 600, 0, 86_400 * 7)),
        Duration.ofSeconds(vars.integer("DB_CONNECT_TIMEOUT_S", 30, 0, 3600)));
  }
}
