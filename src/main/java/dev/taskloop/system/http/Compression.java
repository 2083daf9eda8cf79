package dev.taskloop.system.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Response compression ({@code HTTP_COMPRESSION_MIN_BYTES}): gzip or deflate, as the client's
 * {@code Accept-Encoding} prefers, by Vert.x's (Netty's) compressor at {@link #LEVEL}. The
 * compressor's own size threshold is not used: it looks at the first piece written, which for a
 * file (the documentation's assets) is the bare head and for a CSV export its header line, so those
 * would never be compressed. This class decides instead, as each routed answer's head is written:
 *
 * <ul>
 *   <li>an answer whose length is known and below the threshold is not compressed;
 *   <li>every other may be, and names {@code Accept-Encoding} in {@code Vary} for caches, whatever
 *       this client accepts. A streamed answer of unknown length (the export) is compressed chunk
 *       by chunk as it is written: each chunk is flushed through the compressor, nothing is held
 *       back, and backpressure acts on the compressed bytes;
 *   <li>HEAD, 204 and 304 answers are never compressed (they have no body); a HEAD names the same
 *       {@code Vary} as its GET, a 304 (of unknown length) names it.
 * </ul>
 *
 * <p>The HTTP layer's own refusals outside the router (malformed requests, 408) are small and rare;
 * they are compressed when the client accepts it.
 */
final class Compression {
  /**
   * zlib's fastest level, as nginx's default: {@code /openapi.json} (140 KiB) takes 0.7 ms at 1 and
   * 2.0 ms at Vert.x's default 6, for 23 KiB instead of 17 KiB; a list of ten tasks (1.7 KiB) about
   * 20 µs at either.
   */
  static final int LEVEL = 1;

  private final int minBytes;

  /**
   * @param minBytes the smallest answer compressed; 0: compression is off
   */
  Compression(int minBytes) {
    this.minBytes = minBytes;
  }

  /** The listener's options, with compression on or off. */
  HttpServerOptions apply(HttpServerOptions options) {
    return options
        .setCompressionSupported(minBytes > 0)
        .setCompressionLevel(LEVEL)
        .setCompressionContentSizeThreshold(0);
  }

  /** A routed request begins: its answer's encoding is decided when its head is written. */
  void begin(RoutingContext ctx) {
    if (minBytes > 0) {
      ctx.addHeadersEndHandler(written -> decide(ctx));
    }
  }

  private void decide(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    int status = response.getStatusCode();
    if (status < 200
        || status == 204
        || response.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
      return;
    }
    long length = contentLength(response.headers().get(HttpHeaders.CONTENT_LENGTH));
    if (length < 0 || length >= minBytes) {
      Vary.add(response, "Accept-Encoding");
    } else if (length > 0 && bodyMayBeCompressed(ctx, status)) {
      // The compressor leaves an answer that names an encoding alone; Vert.x then drops the name.
      response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
  }

  /**
   * The compressor looks at this answer's body at all; it does not at HEAD, 304 and HTTP/1.0, and
   * there an {@code identity} set here would stay in the header.
   */
  private static boolean bodyMayBeCompressed(RoutingContext ctx, int status) {
    return status != 304
        && ctx.request().method() != HttpMethod.HEAD
        && ctx.request().version() != HttpVersion.HTTP_1_0;
  }

  /** {@code body} gzipped at {@link #LEVEL}. */
  static Buffer gzip(Buffer body) {
    var out = new ByteArrayOutputStream(body.length() / 4);
    try (var gzip =
        new GZIPOutputStream(out) {
          {
            def.setLevel(LEVEL);
          }
        }) {
      gzip.write(body.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** The {@code Content-Length}, or -1 when it is not known yet (a stream, a HEAD or a 304). */
  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
