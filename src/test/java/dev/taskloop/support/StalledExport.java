package dev.taskloop.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client that starts {@code GET /tasks/export} and then stops reading: with a small receive
 * buffer, the export soon waits for it and holds its export connection until the socket closes.
 */
public final class StalledExport {
  private StalledExport() {}

  /** Starts the export with {@code key} and reads its first bytes; close the socket to end it. */
  public static Socket open(TestServer server, String key) throws IOException {
    var stalled = new Socket("127.0.0.1", server.app().port());
    stalled.setReceiveBufferSize(4096);
    stalled
        .getOutputStream()
        .write(
            ("GET /tasks/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    stalled.getInputStream().readNBytes(1024); // started, and then not read any more
    return stalled;
  }
}
