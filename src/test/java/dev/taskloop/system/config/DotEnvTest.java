package dev.taskloop.system.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .env} under the process's environment, and {@code .env.example} against the README. */
class DotEnvTest {
  @TempDir Path dir;

  @Test
  void theProcessWinsAndTheFileFillsIn() throws IOException {
    Files.writeString(
        dir.resolve(".env"),
        """
        # a comment
        PORT=9000
        LOG_LEVEL=debug
        TRUSTED_PROXIES="10.0.0.0/8, ::1" # a comment after the value
        SIGNUP_ENABLED='false'

        """);
    var env = DotEnv.load(Map.of("PORT", "8123", "HOST", "0.0.0.0"), dir);
    assertEquals("8123", env.env().get("PORT"), "the process's own variable wins");
    assertEquals("0.0.0.0", env.env().get("HOST"));
    assertEquals("debug", env.env().get("LOG_LEVEL"));
    assertEquals("10.0.0.0/8, ::1", env.env().get("TRUSTED_PROXIES"));
    assertEquals("false", env.env().get("SIGNUP_ENABLED"));
    assertEquals(List.of("LOG_LEVEL", "SIGNUP_ENABLED", "TRUSTED_PROXIES"), env.fromFile());
    assertEquals(8123, AppConfig.fromEnv(env.env()).port());
    assertFalse(AppConfig.fromEnv(env.env()).auth().signupEnabled());
  }

  @Test
  void noFileIsNoChange() {
    var process = Map.of("PORT", "8123");
    var env = DotEnv.load(process, dir);
    assertEquals(process, env.env());
    assertTrue(env.fromFile().isEmpty());
  }

  @Test
  void aFileThatDoesNotParseIsAConfigurationError() throws IOException {
    Files.writeString(dir.resolve(".env"), "PORT=8000\nsecret s3cret value\n");
    var e = assertThrows(AppConfig.Invalid.class, () -> DotEnv.load(Map.of(), dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(".env") + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), "the line's content is not repeated");
  }

  @Test
  void aRelativeDirectoryIsTheWorkingDirectorysOwn() throws IOException {
    Files.writeString(dir.resolve(".env"), "LOG_LEVEL=warn\n");
    Path relative = Path.of("").toAbsolutePath().relativize(dir); // as Main passes Path.of("")
    assertEquals("warn", DotEnv.load(Map.of(), relative).env().get("LOG_LEVEL"));
  }

  /** Every variable of README's configuration table is in .env.example, and nothing else. */
  @Test
  void theExampleListsEveryVariableOfTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String table =
        readme.substring(readme.indexOf("## Configuration"), readme.indexOf("### JVM defaults"));
    var documented = new TreeSet<String>();
    var name = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
    for (String row : table.lines().filter(l -> l.startsWith("| `")).toList()) {
      var m = name.matcher(row.substring(0, row.indexOf('|', 2)));
      while (m.find()) {
        documented.add(m.group(1));
      }
    }
    documented.remove("JAVA_OPTS"); // the launcher's, not the service's: not read from .env
    var listed = new TreeSet<String>();
    var line = Pattern.compile("^#? ?([A-Z][A-Z0-9_]+)=", Pattern.MULTILINE).matcher(example());
    while (line.find()) {
      listed.add(line.group(1));
    }
    assertTrue(documented.size() > 40, documented::toString);
    assertEquals(documented, listed);
  }

  @Test
  void theExampleParsesToTheDefaults() throws IOException {
    Files.writeString(dir.resolve(".env"), example());
    var env = DotEnv.load(Map.of(), dir);
    assertEquals(AppConfig.fromEnv(Map.of()), AppConfig.fromEnv(env.env()));
  }

  private static String example() throws IOException {
    return Files.readString(Path.of(".env.example"));
  }
}
