package dev.taskloop.support;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A line for the developer running the build, on the Maven console. Surefire and Failsafe send a
 * test's {@code System.out} and {@code System.err} to report files ({@code
 * redirectTestOutputToFile} in pom.xml), but print what the forked JVM writes to its own standard
 * error as it comes: so this writes there, past {@code System.err}.
 */
public final class Console {
  private static final PrintStream STDERR =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  private Console() {}

  public static void println(String line) {
    STDERR.println(line);
  }
}
