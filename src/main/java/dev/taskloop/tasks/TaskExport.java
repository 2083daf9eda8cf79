package dev.taskloop.tasks;

import dev.taskloop.system.http.Json;
import dev.taskloop.system.http.Requests;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Writes a stream of task rows to an HTTP response as NDJSON or CSV, as they arrive, with
 * backpressure: when the client reads slowly the response's write queue fills, the row stream is
 * paused (so the cursor stops fetching), and resumed on drain (see {@link ExportWriter}). Memory
 * stays flat whatever the number of rows. A client that goes away closes the row stream, which
 * releases the connection.
 */
final class TaskExport {
  /** The two wire formats. */
  enum Format {
    NDJSON("application/x-ndjson", "ndjson"),
    CSV("text/csv; charset=utf-8", "csv");

    final String contentType;

    /** The {@code ?format=} value and the file name's extension. */
    final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }

    /** The format named by {@code ?format=} ({@code csv}, {@code ndjson}); empty for another. */
    static Optional<Format> named(String extension) {
      return Arrays.stream(values()).filter(f -> f.extension.equals(extension)).findFirst();
    }

    private static final List<String> OFFERS = List.of("application/x-ndjson", "text/csv");

    /**
     * The format {@code Accept} prefers (q-values honoured; NDJSON when both are equal or without
     * the header); empty when neither is acceptable.
     */
    static Optional<Format> of(String accept) {
      return Requests.preferred(accept, OFFERS).map(type -> type.equals("text/csv") ? CSV : NDJSON);
    }
  }

  static final String CSV_HEADER = "id,title,description,is_completed,created_at,updated_at\r\n";

  private TaskExport() {}

  /**
   * Pipes {@code rows} into {@code response}, counting each in {@code counted}; the future
   * completes when the stream is over.
   */
  static Future<Void> pipe(
      Vertx vertx,
      RowStream<Row> rows,
      HttpServerResponse response,
      Format format,
      Counter counted) {
    Promise<Void> done = Promise.promise();
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, format.contentType)
        .putHeader(
            HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"tasks." + format.extension + "\"");
    if (format == Format.CSV) {
      response.write(CSV_HEADER);
    }
    var writer = new ExportWriter(rows, response, task -> vertx.runOnContext(next -> task.run()));
    response.closeHandler(
        closed -> { // the client went away: stop reading, give the connection back
          rows.close();
          done.tryComplete();
        });
    rows.exceptionHandler(done::tryFail);
    rows.endHandler(
        end -> {
          writer.end();
          done.tryComplete();
        });
    rows.handler(
        row -> {
          counted.increment();
          writer.write(line(TaskRepository.toTask(row), format));
        });
    return done.future();
  }

  static Buffer line(Task task, Format format) {
    if (format == Format.NDJSON) {
      return Buffer.buffer(Json.bytes(task)).appendByte((byte) '\n');
    }
    var csv = new StringBuilder(128);
    csv.append(task.id()).append(',');
    csv.append(csvField(task.title())).append(',');
    csv.append(task.description() == null ? "" : csvField(task.description())).append(',');
    csv.append(task.isCompleted()).append(',');
    csv.append(task.createdAt()).append(',');
    csv.append(task.updatedAt()).append("\r\n");
    return Buffer.buffer(csv.toString());
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
  static String csvField(String value) {
    boolean quote =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
