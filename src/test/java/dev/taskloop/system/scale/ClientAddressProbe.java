package dev.taskloop.system.scale;

import dev.taskloop.support.Eventually;
import dev.taskloop.support.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request from another client address than the proxy's: a socket bound to 127.0.0.2 (all of
 * 127.0.0.0/8 is loopback), with a forged {@code X-Forwarded-For} and {@code Forwarded} that
 * neither service may believe, and the {@code client=} its access-log line shows.
 */
final class ClientAddressProbe {
  private ClientAddressProbe() {}

  static void send(int port, String requestId) throws IOException {
    try (var socket = new Socket()) {
      socket.bind(new InetSocketAddress("127.0.0.2", 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(5_000);
      String request =
          "GET /health/live HTTP/1.1\r\nHost: taskloop\r\nX-Forwarded-For: 198.51.100.7\r\n"
              + "Forwarded: for=6.6.6.6\r\n"
              + "X-Request-Id: "
              + requestId
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String head = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!head.startsWith("HTTP/1.1 200")) {
        throw new AssertionError("through nginx: " + head);
      }
    }
  }

  /** The client address in {@code service}'s access-log line of {@code requestId}. */
  static String loggedClient(ServiceProcess service, String requestId) {
    Pattern line = Pattern.compile("req=" + Pattern.quote(requestId) + "\\].* client=(\\S+)");
    String output = Eventually.until(service::output, out -> line.matcher(out).find());
    Matcher m = line.matcher(output);
    return m.find() ? m.group(1) : null;
  }
}
