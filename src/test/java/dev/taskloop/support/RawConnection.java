package dev.taskloop.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 client on one kept-alive connection that sends exactly what it is given: any
 * request target (malformed escapes included), any headers, any body bytes. HTTP clients check
 * their input, which is what a fuzz test must not have.
 */
public final class RawConnection implements AutoCloseable {
  /** A response; {@code error} when none came (then status is 0). */
  public record Response(int status, Map<String, String> headers, byte[] body, Exception error) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String mediaType() {
      return String.valueOf(header("content-type")).split(";")[0].strip();
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;

  /** {@code timeoutMillis}: how long to wait for an answer before giving up on it. */
  public RawConnection(int port, int timeoutMillis) {
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends a request ({@code body} null: none); Host and Content-Length are added. */
  public Response send(
      String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
    boolean reused = socket != null;
    Response response = attempt(method, target, headers, body);
    // The server may have closed a kept-alive connection between two requests: retry once.
    boolean stale =
        response.error() != null && !(response.error() instanceof SocketTimeoutException);
    return reused && stale ? attempt(method, target, headers, body) : response;
  }

  private Response attempt(
      String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
    try {
      if (socket == null) {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
      }
      var head =
          new StringBuilder(
              method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
      headers.forEach(
          h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      var request = new ByteArrayOutputStream();
      request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      request.writeBytes(body == null ? new byte[0] : body);
      socket.getOutputStream().write(request.toByteArray()); // one write: no Nagle delay
      Response response = read(method);
      if ("close".equalsIgnoreCase(response.header("connection"))) {
        close();
      }
      return response;
    } catch (IOException e) {
      close(); // a fresh connection for the next request
      return new Response(0, Map.of(), new byte[0], e);
    }
  }

  private Response read(String method) throws IOException {
    String status = line();
    var headers = new TreeMap<String, String>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.putIfAbsent(
          line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    var body = new ByteArrayOutputStream();
    if (method.equals("HEAD") || code == 204 || code == 304) {
      return new Response(code, headers, new byte[0], null);
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().split(";")[0].strip(), 16);
          size > 0;
          size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.write(in.readAllBytes());
      headers.put("connection", "close");
    }
    return new Response(code, headers, body.toByteArray(), null);
  }

  private String line() throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      socket = null;
    }
  }
}
