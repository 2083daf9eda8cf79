package dev.taskloop.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A small blocking HTTP client for tests: every call returns status, headers and body. */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String[] headers;

  public Http(String base) {
    this(base, new String[0]);
  }

  private Http(String base, String[] headers) {
    this.base = base;
    this.headers = headers;
  }

  /** The same client, sending {@code Authorization: Bearer <key>} on every request. */
  public Http withKey(String key) {
    return withHeader("Authorization", "Bearer " + key);
  }

  /** The same client with one more header on every request. */
  public Http withHeader(String name, String value) {
    String[] more = java.util.Arrays.copyOf(headers, headers.length + 2);
    more[headers.length] = name;
    more[headers.length + 1] = value;
    return new Http(base, more);
  }

  public String base() {
    return base;
  }

  /** A response; {@link #json()} parses the body. */
  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The {@code id}s of a 200 JSON array answer, in order. */
    public java.util.List<Long> ids() {
      if (status != 200) {
        throw new AssertionError("expected 200, got " + this);
      }
      var ids = new java.util.ArrayList<Long>();
      json().forEach(item -> ids.add(item.get("id").asLong()));
      return ids;
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public String contentType() {
      return header("content-type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Response post(String path, String json) {
    return send("POST", path, "application/json", json);
  }

  public Response patch(String path, String json) {
    return send("PATCH", path, "application/json", json);
  }

  /** Any method, content type (null: none) and raw body bytes. */
  public Response sendBytes(String method, String path, String contentType, byte[] body) {
    return exchange(method, path, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /** Any method, content type (null: none) and body (null: none). */
  public Response send(String method, String path, String contentType, String body) {
    return exchange(
        method,
        path,
        contentType,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
  }

  /**
   * Any method without a body, the answer's body as it came over the wire (not decoded: compressed,
   * say) through {@code body}: bytes, or a stream to read as it arrives.
   */
  public <T> HttpResponse<T> raw(String method, String path, HttpResponse.BodyHandler<T> body) {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      request.headers(headers);
    }
    request.method(method, HttpRequest.BodyPublishers.noBody());
    try {
      return CLIENT.send(request.build(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Response exchange(
      String method, String path, String contentType, HttpRequest.BodyPublisher body) {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    request.method(method, body);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
