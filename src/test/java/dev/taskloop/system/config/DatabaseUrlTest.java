package dev.taskloop.system.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
  @Test
  void parsesTaskloopSqliteForm() {
    assertEquals(
        new DatabaseUrl.Sqlite(Path.of("./data/taskloop.db")),
        DatabaseUrl.parse("sqlite:./data/taskloop.db"));
    assertEquals(
        new DatabaseUrl.Sqlite(Path.of("/var/lib/t.db")),
        DatabaseUrl.parse("sqlite:/var/lib/t.db"));
  }

  @Test
  void parsesSqlAlchemySqliteForms() {
    assertEquals(
        new DatabaseUrl.Sqlite(Path.of("./x.db")), DatabaseUrl.parse("sqlite+aiosqlite:///./x.db"));
    assertEquals(new DatabaseUrl.Sqlite(Path.of("x.db")), DatabaseUrl.parse("sqlite:///x.db"));
    assertEquals(
        new DatabaseUrl.Sqlite(Path.of("/abs/x.db")), DatabaseUrl.parse("sqlite:////abs/x.db"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sqlite:",
        "sqlite:///:memory:",
        "sqlite://host/x.db",
        "sqlite:x.db?mode=ro",
        "sqlite::memory:"
      })
  void rejectsUnusableSqliteUrls(String url) {
    var e = assertThrows(AppConfig.Invalid.class, () -> DatabaseUrl.parse(url));
    assertTrue(e.getMessage().startsWith("DATABASE_URL="), e.getMessage());
  }

  @Test
  void parsesPostgresFormsIncludingSqlAlchemyDrivers() {
    var expected = new DatabaseUrl.Postgres("db.internal", 6543, "app", "svc", "s3cret", "prefer");
    assertEquals(expected, DatabaseUrl.parse("postgresql://svc:s3cret@db.internal:6543/app"));
    assertEquals(expected, DatabaseUrl.parse("postgres://svc:s3cret@db.internal:6543/app"));
    assertEquals(
        expected, DatabaseUrl.parse("postgresql+asyncpg://svc:s3cret@db.internal:6543/app"));
    assertEquals(
        expected, DatabaseUrl.parse("POSTGRESQL+psycopg://svc:s3cret@db.internal:6543/app"));
  }

  @Test
  void decodesPercentEncodedCredentialsAndDefaultsThePort() {
    var url =
        (DatabaseUrl.Postgres) DatabaseUrl.parse("postgresql://us%40er:p%3Aw%2Fd+x@localhost/db");
    assertEquals("us@er", url.user());
    assertEquals("p:w/d+x", url.password());
    assertEquals(5432, url.port());
    assertEquals("localhost", url.host());
  }

  @Test
  void parsesIpv6AndSslMode() {
    var url =
        (DatabaseUrl.Postgres) DatabaseUrl.parse("postgresql://u@[::1]:5433/db?sslmode=require");
    assertEquals("::1", url.host());
    assertEquals(5433, url.port());
    assertEquals("require", url.sslMode());
    assertEquals(
        "require",
        ((DatabaseUrl.Postgres) DatabaseUrl.parse("postgresql+asyncpg://u@h/db?ssl=true"))
            .sslMode());
    assertEquals(
        "jdbc:postgresql://[::1]:5433/db?sslmode=require&prepareThreshold=0", url.jdbcUrl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mysql://u:p@h/db", "postgresql://u:p@/db", "postgresql://u:p@h:99999/db",
            "postgresql://u:p@h/",
        "postgresql://:p@h/db", "postgresql://u:p@h/db?sslmode=sometimes",
            "postgresql://u:p@h/db?pool=5", "nonsense"
      })
  void rejectsUnusablePostgresUrlsWithoutShowingThePassword(String url) {
    var e = assertThrows(AppConfig.Invalid.class, () -> DatabaseUrl.parse(url));
    assertTrue(e.getMessage().startsWith("DATABASE_URL="), e.getMessage());
    assertFalse(e.getMessage().contains(":p@"), e.getMessage());
  }

  @Test
  void passwordMayHoldUnencodedSlashOrAtAndIsNeverShown() {
    var url = (DatabaseUrl.Postgres) DatabaseUrl.parse("postgresql://app:pa/s@s@db/app");
    assertEquals("pa/s@s", url.password());
    assertEquals("db", url.host());
    var e =
        assertThrows(
            AppConfig.Invalid.class, () -> DatabaseUrl.parse("postgresql://app:pa/ss@db:x/app"));
    assertFalse(e.getMessage().contains("pa/ss"), e.getMessage());
    var badEscape =
        assertThrows(
            AppConfig.Invalid.class, () -> DatabaseUrl.parse("postgresql://app:100%sure@db/app"));
    assertFalse(badEscape.getMessage().contains("100%sure"), badEscape.getMessage());
  }

  @Test
  void masksThePasswordWhenShown() {
    var url = DatabaseUrl.parse("postgresql://svc:s3cret@db:5432/app");
    assertEquals("postgresql://svc:***@db:5432/app", url.masked());
    assertEquals(url.masked(), url.toString());
    assertFalse(url.masked().contains("s3cret"));
  }
}
