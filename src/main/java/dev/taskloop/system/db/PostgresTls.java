package dev.taskloop.system.db;

import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.pgclient.SslMode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Resolves libpq's {@code sslmode=prefer} (the default) once, at startup, by asking the server
 * whether it speaks TLS: the connections then use {@code require} or {@code disable}.
 *
 * <p>Why not the reactive client's own PREFER: in vertx-pg-client 5.0.x, when the server answers
 * the SSL request with "no", the client opens a second connection without TLS and never closes the
 * first one (PgConnectionFactory). Each new connection then leaves a server process waiting for a
 * startup packet until {@code authentication_timeout} (60 s), and a PostgreSQL shutdown waits for
 * all of them: a restart under load stalled for a minute and failed. This probe closes its socket
 * itself.
 */
final class PostgresTls {
  /** The SSLRequest code of the PostgreSQL protocol (1234 << 16 | 5679). */
  private static final int SSL_REQUEST = 80877103;

  private PostgresTls() {}

  /**
   * The mode the connections use for the configured {@code sslmode}; fails with {@link
   * DatabaseException.Unavailable} when {@code prefer} needs an answer and the server gives none.
   */
  static SslMode mode(DatabaseUrl.Postgres url, Duration connectTimeout) {
    if (!url.sslMode().equals("prefer")) {
      return SslMode.of(url.sslMode());
    }
    try {
      return serverSpeaksTls(url.host(), url.port(), connectTimeout)
          ? SslMode.REQUIRE
          : SslMode.DISABLE;
    } catch (IOException e) {
      throw new DatabaseException.Unavailable(DatabaseException.Unavailable.Reason.UNREACHABLE, e);
    }
  }

  /** Sends an SSLRequest and reads the one-byte answer ('S' or 'N'); blocks, bounded by timeout. */
  static boolean serverSpeaksTls(String host, int port, Duration timeout) throws IOException {
    int millis = (int) Math.max(1, timeout.toMillis());
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      var out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(8);
      out.writeInt(SSL_REQUEST);
      out.flush();
      int answer = new DataInputStream(socket.getInputStream()).read();
      if (answer != 'S' && answer != 'N') {
        throw new IOException("unexpected answer to the SSL request: " + answer);
      }
      return answer == 'S';
    }
  }
}
