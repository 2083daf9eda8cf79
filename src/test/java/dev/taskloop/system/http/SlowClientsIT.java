package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.RawHttp;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients too slow to send a request cannot hold connections: a request head must arrive within the
 * header timeout, a body within the body timeout (408), an idle keep-alive connection is closed
 * after the idle timeout. Short timeouts here; the defaults are 10 s, 30 s and 60 s.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class SlowClientsIT {
  private static final Map<String, String> ENV =
      Map.of(
          "HTTP_HEADER_TIMEOUT_MS", "600",
          "HTTP_BODY_TIMEOUT_MS", "1000",
          "HTTP_IDLE_TIMEOUT_S", "1");

  @Parameter TestDatabase database;
  static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(TestDatabase database) {
    server = TestServer.start(database, ENV);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  /** Milliseconds until the server closes {@code socket}, which sends {@code drip} meanwhile. */
  private static long millisUntilClosed(Socket socket, byte[] drip, long limitMillis)
      throws IOException {
    long start = System.nanoTime();
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    socket.setSoTimeout(100);
    int sent = 0;
    while (System.nanoTime() - start < limitMillis * 1_000_000) {
      try {
        if (sent < drip.length) {
          out.write(drip[sent++]);
          out.flush();
        }
        if (in.read() < 0) {
          break;
        }
        while (in.available() > 0) {
          in.read();
        }
      } catch (SocketTimeoutException e) {
        continue; // nothing yet: keep dripping
      } catch (IOException e) {
        break; // reset or broken pipe: closed
      }
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aRequestHeadDrippedByteByByteIsCutOff() throws IOException {
    byte[] head =
        ("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(500))
            .getBytes(StandardCharsets.ISO_8859_1);
    var sockets = new ArrayList<Socket>();
    try {
      for (int i = 0; i < 50; i++) {
        var socket = new Socket("127.0.0.1", server.app().port());
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost".getBytes(StandardCharsets.UTF_8));
        sockets.add(socket);
      }
      try (var dripper = new Socket("127.0.0.1", server.app().port())) {
        long millis = millisUntilClosed(dripper, head, 5000);
        assertTrue(millis < 2500, "closed after " + millis + " ms");
      }
      assertEquals(200, server.http().get("/health/live").status(), "others are served meanwhile");
      for (Socket socket : sockets) {
        socket.setSoTimeout(2000);
        assertEquals(-1, socket.getInputStream().read(), "the 50 silent heads were closed too");
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void aBodyDrippedByteByByteGets408() throws Exception {
    try (var socket = new Socket("127.0.0.1", server.app().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{")
              .getBytes(StandardCharsets.ISO_8859_1));
      var dripper =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 100; i++) {
                        Thread.sleep(100);
                        out.write(' ');
                        out.flush();
                      }
                    } catch (IOException | InterruptedException closed) {
                      // the server closed the connection: done
                    }
                  });
      long start = System.nanoTime();
      socket.setSoTimeout(5000);
      var response = RawHttp.read(socket.getInputStream());
      long millis = (System.nanoTime() - start) / 1_000_000;
      dripper.interrupt();
      assertEquals(408, response.status(), response::toString);
      assertEquals(
          "https://taskloop.dev/problems/request-timeout", response.json().get("type").asText());
      assertEquals("close", response.header("connection"));
      assertTrue(millis < 3000, "answered after " + millis + " ms");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosed() throws IOException {
    try (var socket = new Socket("127.0.0.1", server.app().port())) {
      socket
          .getOutputStream()
          .write(
              "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      socket.setSoTimeout(3000);
      var response = RawHttp.read(socket.getInputStream());
      assertEquals(200, response.status());
      long start = System.nanoTime();
      socket.setSoTimeout(4000);
      assertEquals(-1, socket.getInputStream().read(), "closed by the server");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis > 500 && millis < 3500, "idle for " + millis + " ms");
    }
  }

  @Test
  void aPromptClientIsUnaffected() {
    var response =
        server
            .anonymous()
            .post(
                "/users",
                "{\"email\":\"prompt-"
                    + database
                    + "@example.com\","
                    + "\"password\":\"prompt-password\"}");
    assertEquals(201, response.status(), response::toString);
  }
}
