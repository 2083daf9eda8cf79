package dev.taskloop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PgBouncer (1.18) in transaction mode in front of the test PostgreSQL, for the test run
 * that sets {@value #VARIABLE} (the {@code pgbouncer} execution in the pom): then every PostgreSQL
 * test server talks to its database through it ({@code DB_PGBOUNCER=true}) and listens on the
 * direct URL ({@code DATABASE_LISTEN_URL}). One PgBouncer per test JVM, started on first use,
 * stopped when the JVM exits. {@code ignore_startup_parameters = extra_float_digits}: pgjdbc
 * (Flyway, the report) sends it, and PgBouncer refuses unknown startup parameters.
 */
public final class PgBouncer {
  public static final String VARIABLE = "TASKLOOP_TEST_PGBOUNCER";
  private static PgBouncer running;

  private final int port;

  private PgBouncer(int port) {
    this.port = port;
  }

  /** True in the test run that goes through PgBouncer. */
  public static boolean enabled() {
    return "true".equals(System.getenv(VARIABLE));
  }

  /** The shared instance in front of {@code host:port}, started on first use. */
  public static synchronized PgBouncer in(String host, int serverPort) {
    if (running == null) {
      running = start(host, serverPort);
    }
    return running;
  }

  public int port() {
    return port;
  }

  private static PgBouncer start(String host, int serverPort) {
    Path binary = ExternalTools.require("the PgBouncer test run", "pgbouncer").getFirst();
    try {
      Path dir =
          Files.createTempDirectory(
              "taskloop-pgbouncer",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      int port = freePort();
      Files.writeString(dir.resolve("users.txt"), "\"postgres\" \"\"\n");
      Files.writeString(
          dir.resolve("pgbouncer.ini"),
          """
          [databases]
          * = host=%s port=%d
          [pgbouncer]
          listen_addr = 127.0.0.1
          listen_port = %d
          unix_socket_dir =
          auth_type = trust
          auth_file = %s/users.txt
          pool_mode = transaction
          max_client_conn = 1000
          default_pool_size = 20
          ignore_startup_parameters = extra_float_digits
          logfile = %s/pgbouncer.log
          pidfile = %s/pgbouncer.pid
          """
              .formatted(host, serverPort, port, dir, dir, dir));
      var command = new java.util.ArrayList<String>();
      command.add(binary.toString());
      if ("root".equals(System.getProperty("user.name"))) {
        command.addAll(java.util.List.of("-u", "postgres")); // it refuses to run as root
      }
      command.add(dir.resolve("pgbouncer.ini").toString());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("pgbouncer.out").toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      awaitListening(process, port, dir);
      return new PgBouncer(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitListening(Process process, int port, Path dir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (var socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "PgBouncer did not start: " + Files.readString(dir.resolve("pgbouncer.out")), e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException(interrupted);
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
