package dev.taskloop.system.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** The {@code Vary} header: which request headers an answer depends on, for caches. */
final class Vary {
  private Vary() {}

  /** Adds {@code header} to the response's {@code Vary}, unless it is there already. */
  static void add(HttpServerResponse response, CharSequence header) {
    String name = header.toString();
    String vary = response.headers().get(HttpHeaders.VARY);
    if (vary == null) {
      response.putHeader(HttpHeaders.VARY, name);
      return;
    }
    for (String listed : vary.split(",")) {
      String token = listed.strip();
      if (token.equals("*") || token.equalsIgnoreCase(name)) {
        return;
      }
    }
    response.putHeader(HttpHeaders.VARY, vary + ", " + name);
  }
}
