package dev.taskloop.system.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's invalid-request handler: a request Netty could not decode (a request line or header
 * block too long, a malformed header, an unknown HTTP version) gets a problem+json answer with a
 * request id, 414, 431 or 400, and its connection is closed. Client garbage is logged at DEBUG.
 */
final class MalformedRequests {
  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);

  private MalformedRequests() {}

  static void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    LOG.debug("malformed request from {}: {}", request.remoteAddress(), String.valueOf(cause));
    switch (cause) {
      case TooLongHttpLineException tooLong ->
          Problems.send(
              request,
              ProblemType.URI_TOO_LONG,
              "The request line is longer than the server reads.");
      case TooLongHttpHeaderException tooLong ->
          Problems.send(
              request,
              ProblemType.HEADERS_TOO_LARGE,
              "The request headers are larger than the server reads.");
      case null, default ->
          Problems.send(
              request, ProblemType.MALFORMED_REQUEST, "The request is not valid HTTP/1.1.");
    }
  }
}
