package dev.taskloop.system.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TRUSTED_PROXIES, DB_PGBOUNCER, DATABASE_LISTEN_URL and LOGIN_MAX_FAILURES_PER_ADDRESS. */
class ScaleOutConfigTest {
  private static final String PG = "postgresql://u@db:5432/app";

  @Test
  void defaultsTrustNoProxyAndListenOnTheDatabaseItself() {
    var sqlite = AppConfig.fromEnv(Map.of());
    assertEquals(List.of(), sqlite.scaleOut().trustedProxies());
    assertFalse(sqlite.scaleOut().pgbouncer());
    assertNull(sqlite.scaleOut().listenUrl());
    assertEquals(100, sqlite.auth().loginMaxFailuresPerAddress());
    assertEquals(5, sqlite.auth().loginMaxFailures());
    var pg = AppConfig.fromEnv(Map.of("DATABASE_URL", PG));
    assertEquals(pg.database(), pg.scaleOut().listenUrl());
  }

  @Test
  void readsProxiesAsAddressesOrBlocks() {
    var proxies =
        AppConfig.fromEnv(Map.of("TRUSTED_PROXIES", " 10.0.0.0/8, ::1 ,192.0.2.7"))
            .scaleOut()
            .trustedProxies();
    assertEquals(3, proxies.size());
    assertEquals("10.0.0.0", proxies.get(0).address().getHostAddress());
    assertEquals(8, proxies.get(0).prefix());
    assertEquals(128, proxies.get(1).prefix());
    assertEquals(32, proxies.get(2).prefix());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "proxy.internal", "10.0.0/8", "::1/129", "10.0.0.1/x"})
  void aProxyThatIsNotAnAddressStopsStartup(String value) {
    var e =
        assertThrows(
            AppConfig.Invalid.class, () -> AppConfig.fromEnv(Map.of("TRUSTED_PROXIES", value)));
    assertEquals(
        "TRUSTED_PROXIES=\""
            + value
            + "\" is invalid: expected IP addresses or CIDR blocks, comma-separated (e.g."
            + " 10.0.0.0/8, ::1)",
        e.getMessage());
  }

  @Test
  void pgbouncerNeedsADirectListenUrl() {
    var e =
        assertThrows(
            AppConfig.Invalid.class,
            () -> AppConfig.fromEnv(Map.of("DATABASE_URL", PG, "DB_PGBOUNCER", "true")));
    assertTrue(e.getMessage().startsWith("DB_PGBOUNCER=true needs DATABASE_LISTEN_URL"));
    var config =
        AppConfig.fromEnv(
            Map.of(
                "DATABASE_URL", "postgresql://u@bouncer:6432/app",
                "DB_PGBOUNCER", "true",
                "DATABASE_LISTEN_URL", PG));
    assertTrue(config.scaleOut().pgbouncer());
    assertEquals("db", config.scaleOut().listenUrl().host());
  }

  @Test
  void postgresOnlySettingsAreRefusedOnSqlite() {
    for (var env : List.of(Map.of("DB_PGBOUNCER", "true"), Map.of("DATABASE_LISTEN_URL", PG))) {
      var e = assertThrows(AppConfig.Invalid.class, () -> AppConfig.fromEnv(env));
      assertTrue(e.getMessage().endsWith("it applies to PostgreSQL only"), e.getMessage());
    }
    var e =
        assertThrows(
            AppConfig.Invalid.class,
            () ->
                AppConfig.fromEnv(
                    Map.of("DATABASE_URL", PG, "DATABASE_LISTEN_URL", "sqlite:./x.db")));
    assertEquals(
        "DATABASE_LISTEN_URL=\"sqlite:./x.db\" is invalid: expected a postgresql:// URL",
        e.getMessage());
  }
}
