package dev.taskloop.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/taskloop.jar}, built by {@code package} before the ITs) as its
 * own process, as an operator runs it: its output collected line by line, its port read from the
 * startup line, stopped with SIGTERM. Or any command that runs the service ({@link #command}), such
 * as {@code ./taskloop dev}.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "taskloop.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+) ");

  private final Process process;
  private final Thread reader;
  private final List<String> output = new ArrayList<>();

  private ServiceProcess(Process process) {
    this.process = process;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  /** Starts the jar in {@code dir} with {@code env} (no DATABASE_URL, DB_* or PORT inherited). */
  public static ServiceProcess start(Path dir, Map<String, String> env) {
    return start(dir, env, List.of());
  }

  /** As {@link #start(Path, Map)}, with {@code jvmFlags} before {@code -jar}. */
  public static ServiceProcess start(Path dir, Map<String, String> env, List<String> jvmFlags) {
    var command = new ArrayList<String>();
    command.add(java());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar().toString()));
    return command(dir, env, command);
  }

  /** {@code command} in {@code dir}, its stdout and stderr as one, the environment as above. */
  public static ServiceProcess command(Path dir, Map<String, String> env, List<String> command) {
    var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.equals("DATABASE_URL") || k.startsWith("DB_") || k.equals("PORT"));
    builder.environment().putAll(env);
    try {
      return new ServiceProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The packaged jar's absolute path; fails when it has not been built. */
  public static Path jar() {
    assertTrue(Files.exists(JAR), "run after `package`: " + JAR.toAbsolutePath());
    return JAR.toAbsolutePath();
  }

  /** The JVM running the tests, which also runs the jar. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private void read() {
    try (var lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        synchronized (output) {
          output.add(line);
          output.notifyAll();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Waits for the startup line; the port it listens on. */
  public int awaitPort() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    synchronized (output) {
      while (System.currentTimeMillis() < deadline && process.isAlive()) {
        for (String line : output) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        output.wait(200);
      }
    }
    throw new AssertionError("no startup line in: " + output());
  }

  /** Everything the process printed so far. */
  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM, as an orchestrator does. */
  public void terminate() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
  }

  /** Waits for the exit and the end of the output; the exit code. */
  public int awaitExit(int seconds) throws InterruptedException {
    assertTrue(
        process.waitFor(seconds, TimeUnit.SECONDS), "exited within " + seconds + " s: " + output());
    reader.join(5_000);
    return process.exitValue();
  }

  /** Kills the process and what it started (a script's service would outlive it). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
