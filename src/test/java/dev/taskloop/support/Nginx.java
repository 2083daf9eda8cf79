package dev.taskloop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as the load balancer in front of service processes, run from a private prefix (its
 * own config, pid, logs and temp files in a temp directory). Each front is one listener on
 * 127.0.0.1 that balances round-robin over its upstream ports, with the proxy rules of {@code
 * deploy/nginx.conf}: HTTP/1.1 keep-alive to the upstreams, X-Forwarded-For / X-Forwarded-Proto
 * set, and a retry on the next upstream only when the connection failed (never for a request an
 * upstream has already received, unless it is idempotent). nginx (open source) has no readiness
 * checks: {@link #reload} takes an instance out of rotation, as an operator or a deploy script does
 * when an instance's readiness turns 503.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final List<Integer> ports;
  private final Path dir;

  private Nginx(Process process, List<Integer> ports, Path dir) {
    this.process = process;
    this.ports = ports;
    this.dir = dir;
  }

  /** Starts one front per entry of {@code fronts} (each a list of upstream ports). */
  public static Nginx start(Path dir, List<List<Integer>> fronts) throws Exception {
    Path nginx = ExternalTools.require("a test behind nginx", "nginx").getFirst();
    var ports = new ArrayList<Integer>();
    for (int i = 0; i < fronts.size(); i++) {
      ports.add(freePort());
    }
    Files.writeString(dir.resolve("nginx.conf"), config(dir, servers(ports, fronts)));
    var process =
        new ProcessBuilder(
                nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    var started = new Nginx(process, List.copyOf(ports), dir);
    started.awaitListening();
    return started;
  }

  /**
   * Gives each front new upstreams and reloads nginx (SIGHUP): new workers route by the new
   * configuration, the old ones finish their requests and close their connections. Returns once the
   * old worker has exited and a new one runs.
   *
   * <p>An old worker closes each client keep-alive connection after its current response, which
   * said nothing of closing: a client's next request sent on it in that instant is lost (an nginx
   * reload's own race, whatever the upstreams do). Callers that count lost requests send none while
   * this runs.
   */
  public void reload(List<List<Integer>> fronts) throws Exception {
    Files.writeString(dir.resolve("nginx.conf"), config(dir, servers(ports, fronts)));
    Set<Long> old = workers();
    new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Set<Long> now = workers();
      if (!now.isEmpty() && Collections.disjoint(now, old)) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nginx's old worker did not give way: " + now + " " + log());
      }
      Thread.sleep(20);
    }
    Thread.sleep(200); // the clients see the old worker's connections closed
  }

  /** The master's worker processes. */
  private Set<Long> workers() {
    return process.children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  private static String servers(List<Integer> ports, List<List<Integer>> fronts) {
    var servers = new StringBuilder();
    for (int i = 0; i < fronts.size(); i++) {
      String upstreams =
          fronts.get(i).stream()
              .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;\n")
              .collect(Collectors.joining());
      servers.append(
          """
            upstream front%d {
          %s    keepalive 16;
            }
            server {
              listen 127.0.0.1:%d;
              location / {
                proxy_pass http://front%d;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_next_upstream error timeout;
              }
            }
          """
              .formatted(i, upstreams, ports.get(i), i));
    }
    return servers.toString();
  }

  private static String config(Path dir, String servers) {
    return """
        daemon off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
        %2$s}
        """
        .formatted(dir, servers);
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int port : ports) {
      while (true) {
        try (var socket = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new AssertionError("nginx did not start: " + log(), e);
          }
          Thread.sleep(50);
        }
      }
    }
  }

  /** The port of front {@code index}. */
  public int port(int index) {
    return ports.get(index);
  }

  /** nginx's own output and error log, for failure messages. */
  public String log() {
    try {
      Path error = dir.resolve("error.log");
      return Files.readString(dir.resolve("nginx.out"))
          + (Files.exists(error) ? Files.readString(error) : "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
