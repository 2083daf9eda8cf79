package dev.taskloop.system.openapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of an external program (the npm tools of {@code tools/openapi}, Node.js), from the
 * project directory, with stdout and stderr together. {@code PATH} starts with this test JVM's
 * {@code bin}, so the {@code java} that openapi-generator-cli starts is JDK 25, not the machine's
 * default.
 */
record ToolRun(List<String> command, int code, String output) {
  static ToolRun of(int timeoutSeconds, List<String> command) {
    try {
      Path log = Files.createTempFile("toolrun", ".out");
      try {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        builder.environment().merge("PATH", javaBin.toString(), (path, java) -> java + ":" + path);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new ToolRun(command, process.exitValue(), Files.readString(log));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Fails with the command and its output unless it exited 0. */
  ToolRun succeeded() {
    if (code != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + code + ":\n" + output.strip());
    }
    return this;
  }
}
