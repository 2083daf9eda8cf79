package dev.taskloop.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP over a bare socket, for what a well-behaved client library cannot send: invalid bytes,
 * broken framing, unknown versions, requests sent a byte at a time.
 */
public final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RawHttp() {}

  /**
   * One response as read off the wire; {@code status} is -1 when the server closed the connection
   * without answering.
   */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body;
    }
  }

  /** Sends {@code request} as is and reads until the server closes or {@code timeoutMillis}. */
  public static Response exchange(int port, byte[] request, int timeoutMillis) {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #exchange} of a text request (ISO-8859-1, so every char is one byte). */
  public static Response exchange(int port, String request) {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), 5000);
  }

  /** Reads one response (up to its Content-Length, or until the connection ends). */
  public static Response read(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    int headEnd = -1;
    int contentLength = -1;
    var buffer = new byte[8192];
    try {
      while (true) {
        if (headEnd >= 0 && contentLength >= 0 && bytes.size() >= headEnd + contentLength) {
          break;
        }
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        bytes.write(buffer, 0, n);
        if (headEnd < 0) {
          String text = bytes.toString(StandardCharsets.ISO_8859_1);
          int end = text.indexOf("\r\n\r\n");
          if (end >= 0) {
            headEnd = end + 4;
            contentLength = contentLength(text.substring(0, end));
          }
        }
      }
    } catch (SocketTimeoutException e) {
      // what arrived is what there is
    } catch (java.net.SocketException e) {
      // reset by the server: what arrived is what there is
    }
    return parse(bytes.toString(StandardCharsets.UTF_8));
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).strip());
      }
    }
    return -1;
  }

  private static Response parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/") || end < 0) {
      return new Response(-1, Map.of(), text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    var headers = new TreeMap<String, String>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }
}
