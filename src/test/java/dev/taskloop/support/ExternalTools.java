package dev.taskloop.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs a test needs from the machine (nginx, pgbouncer, podman...) or from the project's pinned
 * npm tools ({@code tools/openapi}): without them the test is skipped with a message on the
 * console, except when {@code CI} is set: then it fails, since {@code .ci/run} installs them.
 */
public final class ExternalTools {
  private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");

  /** Where {@code npm ci} installs the pinned npm tools (package.json and its lock beside it). */
  public static final Path NPM_TOOLS = Path.of("tools", "openapi");

  private ExternalTools() {}

  /** The path of each program, in order; skips (or under CI fails) when one is missing. */
  public static List<Path> require(String why, String... programs) {
    var found = new ArrayList<Path>();
    var missing = new ArrayList<String>();
    for (String program : programs) {
      Path path = find(program);
      if (path == null) {
        missing.add(program);
      } else {
        found.add(path);
      }
    }
    if (!missing.isEmpty()) {
      unavailable(
          why + " needs " + String.join(", ", missing) + " (apt-get install; .ci/run does it)");
    }
    return found;
  }

  /**
   * The path of each of {@link #NPM_TOOLS}' programs ({@code node_modules/.bin}), in order; skips
   * (or under CI fails) when Node.js or one of them is missing.
   */
  public static List<Path> requireNpm(String why, String... programs) {
    require(why, "node");
    var found = new ArrayList<Path>();
    var missing = new ArrayList<String>();
    for (String program : programs) {
      Path path = NPM_TOOLS.resolve("node_modules/.bin").resolve(program).toAbsolutePath();
      if (Files.isExecutable(path)) {
        found.add(path);
      } else {
        missing.add(program);
      }
    }
    if (!missing.isEmpty()) {
      unavailable(
          why
              + " needs "
              + String.join(", ", missing)
              + " from "
              + NPM_TOOLS
              + " (npm ci there; .ci/run does it)");
    }
    return found;
  }

  /** Fails under CI, else skips with a line on the build's console ({@link Console}). */
  private static void unavailable(String message) {
    if (System.getenv("CI") != null) {
      Assertions.fail("CI is set, so this must run: " + message);
    }
    Console.println("taskloop tests: skipping: " + message);
    Assumptions.abort(message);
  }

  private static Path find(String program) {
    var dirs = new ArrayList<String>(DIRS);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(0, List.of(path.split(":")));
    }
    for (String dir : dirs) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
