package dev.taskloop.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Console;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile built with podman from the real jar, run as Kubernetes runs it (read-only root,
 * /tmp writable, no capabilities) against PostgreSQL: it gets ready, serves an authenticated
 * request as a non-root user, with the AOT cache its build made (JAVA_OPTS=-XX:AOTMode=on: the JVM
 * exits at once if it cannot use it), and stops on SIGTERM with exit code 0. No registry is
 * reachable, so the base is local: a debootstrap'd Debian (kept as {@value #DEBIAN}, made once,
 * about 40 s) with a runtime jlinked from this test's own JDK at the Temurin images' path. Without
 * podman, runc or debootstrap the test is skipped with a message, unless {@code CI} is set: then it
 * fails.
 */
class ImageIT {
  private static final String DEBIAN = "localhost/bookworm-min";
  private static final String BASE = "localhost/taskloop-base:test";
  private static final String JAVA_LABEL = "dev.taskloop.test.java-version";
  private static final String RUNC = "/usr/sbin/runc";
  // The sandbox allows less than podman's defaults (STACK-NOTES section 8).
  private static final List<String> ULIMITS =
      List.of("--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096");

  private final String image =
      "localhost/taskloop:imageit-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void toolsArePresent() {
    var missing = new ArrayList<String>();
    if (tool("podman") == null) {
      missing.add("podman");
    }
    if (!Files.isExecutable(Path.of(RUNC))) {
      missing.add("runc (" + RUNC + ")");
    }
    if (tool("debootstrap") == null
        && (missing.contains("podman") || podman("image", "exists", DEBIAN).code() != 0)) {
      missing.add("debootstrap");
    }
    if (!missing.isEmpty()) {
      String message = "ImageIT needs " + String.join(", ", missing) + " (apt-get install them)";
      if (System.getenv("CI") != null) {
        Assertions.fail("CI is set, so the image test must run: " + message);
      }
      Console.println("taskloop tests: skipping ImageIT: " + message);
      Assumptions.abort(message);
    }
  }

  @Test
  void theImageServesAsNonRootAndStopsGracefully(@TempDir Path dir) throws Exception {
    ensureBase(dir);
    Path jar = Path.of("target", "taskloop.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    String container = null;
    try (var db = TestDatabase.POSTGRESQL.provision()) {
      run("build", ULIMITS, "--build-arg", "BASE_IMAGE=" + BASE, "-t", image, ".");
      int port = freePort();
      container =
          run(
                  "run",
                  ULIMITS,
                  "-d",
                  "--network=host", // the CI PostgreSQL listens on the host's 127.0.0.1
                  "--read-only", // as readOnlyRootFilesystem in deploy/k8s: only /tmp is written
                  "--tmpfs=/tmp",
                  "--cap-drop=ALL",
                  "--security-opt=no-new-privileges",
                  "-e",
                  "PORT=" + port,
                  "-e",
                  "DATABASE_URL=" + db.url(),
                  "-e",
                  "SHUTDOWN_DELAY_S=1",
                  "-e", // the JVM refuses to start unless it can use the image's AOT cache
                  "JAVA_OPTS=-XX:AOTMode=on",
                  image)
              .strip();
      var http = new Http("http://127.0.0.1:" + port);
      awaitReady(http, container);

      var signUp =
          http.post("/users", "{\"email\":\"image@example.com\",\"password\":\"image-password\"}");
      assertEquals(201, signUp.status(), signUp::toString);
      var tasks = http.withKey(signUp.json().get("api_key").get("key").asText()).get("/tasks");
      assertEquals(200, tasks.status(), tasks::toString);
      assertEquals("[]", tasks.body().strip());

      String uid = run("exec", List.of(), container, "id", "-u").strip();
      assertNotEquals("0", uid, "the service does not run as root");
      assertTrue(uid.matches("\\d+"), uid);

      run("stop", List.of(), "-t", "20", container);
      assertEquals(
          "0", run("inspect", List.of(), "--format", "{{.State.ExitCode}}", container).strip());
      String logs = run("logs", List.of(), container);
      assertTrue(logs.contains("shutting down: readiness is 503"), logs);
      assertTrue(logs.contains("stopped in"), logs);
    } finally {
      if (container != null) {
        podman("rm", "-f", container);
      }
      podman("rmi", "-f", image);
    }
  }

  /** Polls readiness until 200; fails at once with the logs when the container has exited. */
  private static void awaitReady(Http http, String container) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (http.get("/health/ready").status() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // connection refused while the JVM starts
      }
      if (!podman("inspect", "--format", "{{.State.Running}}", container).out().contains("true")) {
        Assertions.fail("the container exited: " + podman("logs", container).out());
      }
      Thread.sleep(250);
    }
    Assertions.fail("not ready within 60 s: " + podman("logs", container).out());
  }

  /**
   * The local stand-in for eclipse-temurin:25-jre: Debian with this JDK's runtime at
   * /opt/java/openjdk, on PATH. Rebuilt only when this JDK's version changed.
   */
  private static void ensureBase(Path dir) throws IOException {
    String version = System.getProperty("java.version");
    var label =
        podman("image", "inspect", "--format", "{{index .Labels \"" + JAVA_LABEL + "\"}}", BASE);
    if (label.code() == 0 && label.out().strip().equals(version)) {
      return;
    }
    if (podman("image", "exists", DEBIAN).code() != 0) {
      Path rootfs = dir.resolve("rootfs");
      String debootstrap = tool("debootstrap").toString();
      exec(List.of(debootstrap, "--variant=minbase", "bookworm", rootfs.toString()), 600);
      Path tar = dir.resolve("rootfs.tar");
      exec(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), 120);
      run("import", List.of(), tar.toString(), DEBIAN);
    }
    Path context = Files.createDirectories(dir.resolve("base"));
    runtime(context.resolve("jre"));
    Files.writeString(
        context.resolve("Containerfile"),
        """
        FROM %s
        COPY jre/ /opt/java/openjdk/
        ENV JAVA_HOME=/opt/java/openjdk \\
            PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        LABEL %s=%s
        """
            .formatted(DEBIAN, JAVA_LABEL, version));
    run("build", ULIMITS, "-t", BASE, context.toString());
  }

  /** This JDK's modules as a runtime image (jlink), or a copy of it when it has no jlink. */
  private static void runtime(Path target) throws IOException {
    Path home = Path.of(System.getProperty("java.home"));
    Path jlink = home.resolve("bin").resolve("jlink");
    if (Files.isExecutable(jlink)) {
      String modules = // jlink cannot link itself (nor jpackage, which needs it) from a runtime
          ModuleFinder.ofSystem().findAll().stream()
              .map(ModuleReference::descriptor)
              .map(d -> d.name())
              .filter(n -> !n.equals("jdk.jlink") && !n.equals("jdk.jpackage"))
              .filter(n -> !n.startsWith("jdk.incubator."))
              .sorted()
              .collect(Collectors.joining(","));
      exec(
          List.of(
              jlink.toString(),
              "--add-modules",
              modules,
              "--strip-debug",
              "--no-header-files",
              "--no-man-pages",
              "--output",
              target.toString()),
          300);
    } else {
      exec(List.of("cp", "-a", home.toString(), target.toString()), 300);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  // --- processes ---------------------------------------------------------------------------

  record Result(int code, String out) {}

  /** A podman command with the runtime and cgroup manager this machine needs; never throws. */
  private static Result podman(String... args) {
    var command =
        new ArrayList<>(List.of("podman", "--runtime", RUNC, "--cgroup-manager=cgroupfs"));
    command.addAll(Arrays.asList(args));
    try {
      return execute(command, 300);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    }
  }

  /** {@code podman <verb> <flags> <args>}, which must succeed; returns its output. */
  private static String run(String verb, List<String> flags, String... args) {
    var all = new ArrayList<String>();
    all.add(verb);
    all.addAll(flags);
    all.addAll(Arrays.asList(args));
    Result result = podman(all.toArray(String[]::new));
    assertEquals(0, result.code(), () -> "podman " + String.join(" ", all) + ":\n" + result.out());
    return result.out();
  }

  private static void exec(List<String> command, int seconds) throws IOException {
    Result result = execute(command, seconds);
    assertEquals(0, result.code(), () -> String.join(" ", command) + ":\n" + result.out());
  }

  private static Result execute(List<String> command, int seconds) throws IOException {
    Path output = Files.createTempFile("imageit", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out after " + seconds + " s: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The executable on PATH, or in /usr/sbin (debootstrap's place, not on every PATH); or null. */
  private static Path tool(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin";
    for (String entry : path.split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
        return Path.of(entry, name);
      }
    }
    return null;
  }
}
