package dev.taskloop.system.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * Ends the connection of a request that was answered before its body was read (401, 413, 415...).
 * Closing at once would make the kernel reset the connection while the client is still sending, and
 * a reset can destroy the answer in the client's buffers before the client reads it. So the rest of
 * the body is read and thrown away, and the connection is closed when it ends, or once more than
 * {@link #DISCARD_LIMIT_BYTES} arrived or {@link #DISCARD_LIMIT_MS} passed (nginx's lingering
 * close). Nothing is buffered: a refused caller costs reading, never memory.
 */
final class UnreadBodies {
  /** Most bytes of a refused body read before the connection is cut anyway. */
  static final long DISCARD_LIMIT_BYTES = 1024 * 1024;

  /** Longest wait for the rest of a refused body. */
  static final long DISCARD_LIMIT_MS = 2000;

  private final Vertx vertx;
  private final HttpConnection connection;
  private final long timer;
  private long read;

  private UnreadBodies(Vertx vertx, HttpConnection connection) {
    this.vertx = vertx;
    this.connection = connection;
    this.timer = vertx.setTimer(DISCARD_LIMIT_MS, fired -> connection.close());
  }

  /** Call once the answer is written. */
  static void discardThenClose(Vertx vertx, HttpServerRequest request) {
    if (request.isEnded()) {
      request.connection().close();
      return;
    }
    var discard = new UnreadBodies(vertx, request.connection());
    request
        .handler(chunk -> discard.read(chunk.length()))
        .exceptionHandler(failed -> discard.close())
        .endHandler(ended -> discard.close())
        .resume();
  }

  private void read(int bytes) {
    read += bytes;
    if (read > DISCARD_LIMIT_BYTES) {
      close();
    }
  }

  private void close() {
    vertx.cancelTimer(timer);
    connection.close();
  }
}
