package dev.taskloop.system.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The environment with a {@code .env} file under it, as pydantic-settings reads one: a variable set
 * in the process wins, the file fills in the rest; no file is no change. The file's syntax is
 * dotenv-java's ({@code NAME=value} lines, {@code #} comments, values in double quotes), and a
 * value in single quotes is taken literally as python-dotenv does; a line of another form is a
 * configuration error (named without its content, which may be a secret). Unquoted, a {@code #}
 * starts a comment anywhere: a password or URL that holds one goes in quotes. {@code .env.example}
 * lists every variable.
 *
 * @param env the variables the service is configured from
 * @param fromFile the names the file supplied (not overridden by the process), for the startup log
 */
public record DotEnv(Map<String, String> env, List<String> fromFile) {
  /** The file's name, in the working directory. */
  public static final String FILE = ".env";

  /**
   * {@code process} with {@code directory/.env} under it.
   *
   * @throws AppConfig.Invalid when the file cannot be read or parsed (a configuration error)
   */
  public static DotEnv load(Map<String, String> process, Path directory) {
    Path file = directory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return new DotEnv(process, List.of());
    }
    var merged = new HashMap<String, String>();
    var supplied = new TreeSet<String>();
    try {
      // absolute: dotenv-java joins directory + "/" + name, so "" would be /.env
      Dotenv dotenv =
          Dotenv.configure().directory(directory.toAbsolutePath().toString()).filename(FILE).load();
      for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
        merged.put(entry.getKey(), literal(entry.getValue()));
        supplied.add(entry.getKey());
      }
    } catch (DotenvException e) { // its message holds the line, which may hold a secret
      throw new AppConfig.Invalid(
          file
              + ": a line is not NAME=value (put a value with spaces, # or quotes in double"
              + " quotes)");
    }
    merged.putAll(process);
    supplied.removeAll(process.keySet());
    return new DotEnv(Map.copyOf(merged), List.copyOf(supplied));
  }

  /** {@code 'x'} is x (dotenv-java keeps single quotes; python-dotenv and shells do not). */
  private static String literal(String value) {
    return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
