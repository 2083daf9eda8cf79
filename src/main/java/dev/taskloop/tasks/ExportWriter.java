package dev.taskloop.tasks;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The write side of an export: gathers lines into chunks of about {@link #CHUNK_BYTES}, writes each
 * chunk to the response, and keeps the row source paused while any {@link Hold} holds, resuming it
 * only when none does. Two reasons are independent: the next turn of the event loop must not resume
 * a source whose client has not drained yet, and a drain must not cut a yield short.
 *
 * <p>Thread: the request's event loop only (the row handler, drain handler and next turn all run
 * there), so the state needs no locking.
 */
final class ExportWriter {
  /** Rows formatted in one go before the event loop is handed to other work. */
  static final int ROWS_PER_TURN = 256;

  /** Bytes gathered before one write to the response. */
  static final int CHUNK_BYTES = 16 * 1024;

  /** Why the row source is paused. */
  enum Hold {
    /** The response's write queue is full (the client reads slowly): until it drains. */
    WRITE_QUEUE_FULL,
    /** {@link #ROWS_PER_TURN} rows in a row (a cursor batch may be large): until the next turn. */
    YIELDING
  }

  private final ReadStream<?> source;
  private final WriteStream<Buffer> sink;
  private final Consumer<Runnable> nextTurn;
  private final EnumSet<Hold> holds = EnumSet.noneOf(Hold.class);
  private Buffer chunk = newChunk();
  private int sinceYield;

  /**
   * @param source the rows, paused and resumed by this writer
   * @param sink the response
   * @param nextTurn runs a task on a later turn of the event loop ({@code vertx.runOnContext})
   */
  ExportWriter(ReadStream<?> source, WriteStream<Buffer> sink, Consumer<Runnable> nextTurn) {
    this.source = source;
    this.sink = sink;
    this.nextTurn = nextTurn;
  }

  /** Adds one formatted row; may write a chunk and pause the source. */
  void write(Buffer line) {
    chunk.appendBuffer(line);
    if (++sinceYield == ROWS_PER_TURN) {
      sinceYield = 0;
      hold(Hold.YIELDING);
      nextTurn.accept(() -> release(Hold.YIELDING));
    }
    if (chunk.length() < CHUNK_BYTES) {
      return;
    }
    sink.write(chunk);
    chunk = newChunk();
    if (sink.writeQueueFull()) {
      hold(Hold.WRITE_QUEUE_FULL);
      sink.drainHandler(drained -> release(Hold.WRITE_QUEUE_FULL));
    }
  }

  /** Writes what is gathered and ends the response: the source has no more rows. */
  void end() {
    sink.end(chunk);
  }

  /** Pauses the source unless another reason already holds it. */
  void hold(Hold reason) {
    boolean flowing = holds.isEmpty();
    holds.add(reason);
    if (flowing) {
      source.pause();
    }
  }

  /** Resumes the source if this was the last reason that held it; else (or not held) nothing. */
  void release(Hold reason) {
    if (holds.remove(reason) && holds.isEmpty()) {
      source.resume();
    }
  }

  /** The reasons that hold the source now: empty while rows flow. A copy. */
  Set<Hold> holds() {
    return EnumSet.copyOf(holds);
  }

  private static Buffer newChunk() {
    return Buffer.buffer(CHUNK_BYTES + 1024); // room for the line that crosses the threshold
  }
}
