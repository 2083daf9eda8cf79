package dev.taskloop.system.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppConfigTest {
  @Test
  void defaultsMatchTheDocumentation() {
    var config = AppConfig.fromEnv(Map.of());
    assertEquals("127.0.0.1", config.host());
    assertEquals(8000, config.port());
    assertEquals(new DatabaseUrl.Sqlite(Path.of("./data/taskloop.db")), config.database());
    assertEquals(10, config.poolSize());
    assertEquals(Duration.ofMillis(3000), config.acquireTimeout());
    assertEquals(256, config.pipeliningLimit());
    assertEquals(Duration.ofSeconds(10), config.statementTimeout());
    assertEquals("INFO", config.logLevel());
    assertFalse(config.sqlEcho());
    assertEquals(Duration.ZERO, config.shutdownDelay());
    assertEquals(Duration.ofSeconds(20), config.shutdownGrace());
  }

  @Test
  void readsEveryVariable() {
    var config =
        AppConfig.fromEnv(
            Map.ofEntries(
                Map.entry("SHUTDOWN_DELAY_S", "5"),
                Map.entry("HOST", "0.0.0.0"),
                Map.entry("PORT", "9000"),
                Map.entry("DATABASE_URL", "postgresql://u@h/db"),
                Map.entry("DB_POOL_SIZE", "4"),
                Map.entry("DB_POOL_ACQUIRE_TIMEOUT_MS", "250"),
                Map.entry("DB_PIPELINING_LIMIT", "16"),
                Map.entry("DB_STATEMENT_TIMEOUT_MS", "0"),
                Map.entry("LOG_LEVEL", "warning"),
                Map.entry("SQL_ECHO", "1"),
                Map.entry("SHUTDOWN_GRACE_S", "3")));
    assertEquals("0.0.0.0", config.host());
    assertEquals(9000, config.port());
    assertEquals("postgresql", config.database().kind());
    assertEquals(4, config.poolSize());
    assertEquals(Duration.ofMillis(250), config.acquireTimeout());
    assertEquals(16, config.pipeliningLimit());
    assertEquals(Duration.ZERO, config.statementTimeout());
    assertEquals("WARN", config.logLevel());
    assertTrue(config.sqlEcho());
    assertEquals(Duration.ofSeconds(3), config.shutdownGrace());
    assertEquals(Duration.ofSeconds(5), config.shutdownDelay());
  }

  @Test
  void authDefaultsAndAdminPair() {
    var auth = AppConfig.fromEnv(Map.of()).auth();
    assertTrue(auth.signupEnabled());
    assertEquals(null, auth.adminEmail());
    assertEquals(19_456, auth.hashMemoryKib());
    assertEquals(2, auth.hashIterations());
    assertEquals(1, auth.hashParallelism());
    assertEquals(5, auth.loginMaxFailures());
    assertEquals(Duration.ofMinutes(15), auth.loginWindow());
    assertEquals(Duration.ofSeconds(5), auth.keyCacheTtl());
    var e =
        assertThrows(
            AppConfig.Invalid.class, () -> AppConfig.fromEnv(Map.of("ADMIN_EMAIL", "a@b.c")));
    assertEquals(
        "ADMIN_EMAIL is set without ADMIN_PASSWORD: set both to create the admin at startup, or neither",
        e.getMessage());
    var shortPassword =
        assertThrows(
            AppConfig.Invalid.class,
            () -> AppConfig.fromEnv(Map.of("ADMIN_EMAIL", "a@b.c", "ADMIN_PASSWORD", "short")));
    assertFalse(shortPassword.getMessage().contains("short"), "the password is not echoed");
    var withAdmin =
        AppConfig.fromEnv(Map.of("ADMIN_EMAIL", "a@b.c", "ADMIN_PASSWORD", "long enough"));
    assertFalse(withAdmin.toString().contains("long enough"), "the password stays out of toString");
  }

  @Test
  void acceptsHostNamesAndAddresses() {
    for (String host :
        new String[] {"0.0.0.0", "::", "::1", "localhost", "api-1.internal.example"}) {
      assertEquals(host, AppConfig.fromEnv(Map.of("HOST", host)).host());
    }
  }

  /** ADMIN_EMAIL is judged by the API's rule, with the API's wording, and stored canonical. */
  @Test
  void adminEmailFollowsTheApisRule() {
    var invalid =
        assertThrows(
            AppConfig.Invalid.class,
            () ->
                AppConfig.fromEnv(Map.of("ADMIN_EMAIL", "root", "ADMIN_PASSWORD", "long enough")));
    assertEquals("ADMIN_EMAIL=\"root\" is invalid: must be an email address", invalid.getMessage());
    var invisible =
        assertThrows(
            AppConfig.Invalid.class,
            () ->
                AppConfig.fromEnv(
                    Map.of(
                        "ADMIN_EMAIL", "ro\u200Bot@example.com", "ADMIN_PASSWORD", "long enough")));
    assertEquals(
        "ADMIN_EMAIL=\"ro\u200Bot@example.com\" is invalid: must not contain invisible or control"
            + " characters",
        invisible.getMessage());
    var env = Map.of("ADMIN_EMAIL", " Root@ｅxample.com ", "ADMIN_PASSWORD", "long enough");
    assertEquals("Root@example.com", AppConfig.fromEnv(env).auth().adminEmail());
  }

  @Test
  void corsAndCompressionAreOffByDefault() {
    var web = AppConfig.fromEnv(Map.of()).web();
    assertEquals(List.of(), web.corsOrigins());
    assertFalse(web.cors());
    assertEquals(0, web.compressionMinBytes());
    assertEquals(
        1024,
        AppConfig.fromEnv(Map.of("HTTP_COMPRESSION_MIN_BYTES", "1024"))
            .web()
            .compressionMinBytes());
  }

  /**
   * Origins are kept in the form browsers send them (lower case), each once, in the given order.
   */
  @Test
  void readsCorsOriginsAsBrowsersSendThem() {
    var web =
        AppConfig.fromEnv(
                Map.of(
                    "CORS_ALLOWED_ORIGINS",
                    " HTTPS://App.Example, http://localhost:5173,,http://[::1]:8080,"
                        + " https://app.example, http://127.0.0.1:3000 "))
            .web();
    assertEquals(
        List.of(
            "https://app.example",
            "http://localhost:5173",
            "http://[::1]:8080",
            "http://127.0.0.1:3000"),
        web.corsOrigins());
    assertTrue(web.cors());
    assertFalse(web.anyOrigin());
    var any = AppConfig.fromEnv(Map.of("CORS_ALLOWED_ORIGINS", " * ")).web();
    assertEquals(List.of("*"), any.corsOrigins());
    assertTrue(any.anyOrigin());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://app.example/",
        "https://app.example/path",
        "app.example",
        "//app.example",
        "ftp://app.example",
        "null",
        "https://app.example:443",
        "http://app.example:80",
        "https://app.example:0",
        "https://app.example:08443",
        "https://app.example:65536",
        "https://user@app.example",
        "https://app.example?x=1",
        "https://app example",
        "https://-app.example",
        "https://app_1.example",
        "http://999.0.0.1",
        "http://[::g]",
        "https://bücher.example",
        "https://*.example",
      })
  void refusesWhatIsNotASerializedOrigin(String origin) {
    var e =
        assertThrows(
            AppConfig.Invalid.class,
            () ->
                AppConfig.fromEnv(Map.of("CORS_ALLOWED_ORIGINS", "https://ok.example, " + origin)));
    assertEquals(
        "CORS_ALLOWED_ORIGINS=\""
            + origin
            + "\" is invalid: expected * alone, or comma-separated origins scheme://host[:port]"
            + " (http or https; no path, no default port), e.g. https://app.example,"
            + " http://localhost:5173",
        e.getMessage());
  }

  @Test
  void aStarStandsAlone() {
    for (String value : List.of("*, https://app.example", "https://app.example, *")) {
      var e =
          assertThrows(
              AppConfig.Invalid.class,
              () -> AppConfig.fromEnv(Map.of("CORS_ALLOWED_ORIGINS", value)));
      assertEquals(
          "CORS_ALLOWED_ORIGINS=\""
              + value
              + "\" is invalid: * allows every origin, so it stands alone, without other origins",
          e.getMessage());
    }
  }

  @Test
  void emptyValuesMeanDefault() {
    assertEquals(8000, AppConfig.fromEnv(Map.of("PORT", " ")).port());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "PORT|http|PORT=\"http\" is invalid: expected an integer from 0 to 65535",
        "PORT|70000|PORT=\"70000\" is invalid: expected an integer from 0 to 65535",
        "DB_POOL_SIZE|0|DB_POOL_SIZE=\"0\" is invalid: expected an integer from 1 to 500",
        "DB_POOL_ACQUIRE_TIMEOUT_MS|-5|DB_POOL_ACQUIRE_TIMEOUT_MS=\"-5\" is invalid: expected an integer from 1 to 600000",
        "DB_PIPELINING_LIMIT|many|DB_PIPELINING_LIMIT=\"many\" is invalid: expected an integer from 1 to 4096",
        "DB_STATEMENT_TIMEOUT_MS|1.5|DB_STATEMENT_TIMEOUT_MS=\"1.5\" is invalid: expected an integer from 0 to 86400000",
        "LOG_LEVEL|LOUD|LOG_LEVEL=\"LOUD\" is invalid: expected TRACE, DEBUG, INFO, WARN or ERROR",
        "SQL_ECHO|maybe|SQL_ECHO=\"maybe\" is invalid: expected true or false",
        "SHUTDOWN_GRACE_S|forever|SHUTDOWN_GRACE_S=\"forever\" is invalid: expected an integer from 0 to 3600",
        "SHUTDOWN_DELAY_S|-1|SHUTDOWN_DELAY_S=\"-1\" is invalid: expected an integer from 0 to 300",
        "HOST|http://0.0.0.0|HOST=\"http://0.0.0.0\" is invalid: expected an IP address (such as 0.0.0.0 or ::) or a host name",
        "HOST|my host|HOST=\"my host\" is invalid: expected an IP address (such as 0.0.0.0 or ::) or a host name",
        "HTTP_COMPRESSION_MIN_BYTES|-1|HTTP_COMPRESSION_MIN_BYTES=\"-1\" is invalid: expected an integer from 0 to 16777216",
        "HTTP_COMPRESSION_MIN_BYTES|1k|HTTP_COMPRESSION_MIN_BYTES=\"1k\" is invalid: expected an integer from 0 to 16777216",
      })
  void badValueNamesVariableValueAndWhatIsAccepted(String variable, String value, String message) {
    var e = assertThrows(AppConfig.Invalid.class, () -> AppConfig.fromEnv(Map.of(variable, value)));
    assertEquals(message, e.getMessage());
    assertEquals(0, e.getStackTrace().length, "no stack trace for a config error");
  }
}
