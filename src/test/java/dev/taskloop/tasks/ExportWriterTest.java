package dev.taskloop.tasks;

import static dev.taskloop.tasks.ExportWriter.Hold.WRITE_QUEUE_FULL;
import static dev.taskloop.tasks.ExportWriter.Hold.YIELDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.tasks.ExportWriter.Hold;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pause state of an export, without a server: the row source is paused while the write queue is
 * full or the writer yields the event loop, and resumed only when neither holds.
 */
class ExportWriterTest {
  private final Source source = new Source();
  private final Sink sink = new Sink();
  private final ArrayDeque<Runnable> turns = new ArrayDeque<>();
  private final ExportWriter writer = new ExportWriter(source, sink, turns::add);

  /**
   * Every transition of the state machine: from a set of holds, one event, the holds after it and
   * how often the source was paused and resumed by that event.
   */
  @ParameterizedTest(name = "[{0}] {1} {2} -> [{3}]")
  @CsvSource({
    "'',                          hold,    YIELDING,         YIELDING,                   1, 0",
    "'',                          hold,    WRITE_QUEUE_FULL, WRITE_QUEUE_FULL,           1, 0",
    "'',                          release, YIELDING,         '',                         0, 0",
    "'',                          release, WRITE_QUEUE_FULL, '',                         0, 0",
    "YIELDING,                    hold,    YIELDING,         YIELDING,                   0, 0",
    "YIELDING,                    hold,    WRITE_QUEUE_FULL, YIELDING WRITE_QUEUE_FULL,  0, 0",
    "YIELDING,                    release, YIELDING,         '',                         0, 1",
    "YIELDING,                    release, WRITE_QUEUE_FULL, YIELDING,                   0, 0",
    "WRITE_QUEUE_FULL,            hold,    YIELDING,         YIELDING WRITE_QUEUE_FULL,  0, 0",
    "WRITE_QUEUE_FULL,            hold,    WRITE_QUEUE_FULL, WRITE_QUEUE_FULL,           0, 0",
    "WRITE_QUEUE_FULL,            release, YIELDING,         WRITE_QUEUE_FULL,           0, 0",
    "WRITE_QUEUE_FULL,            release, WRITE_QUEUE_FULL, '',                         0, 1",
    "YIELDING WRITE_QUEUE_FULL,   hold,    YIELDING,         YIELDING WRITE_QUEUE_FULL,  0, 0",
    "YIELDING WRITE_QUEUE_FULL,   hold,    WRITE_QUEUE_FULL, YIELDING WRITE_QUEUE_FULL,  0, 0",
    "YIELDING WRITE_QUEUE_FULL,   release, YIELDING,         WRITE_QUEUE_FULL,           0, 0",
    "YIELDING WRITE_QUEUE_FULL,   release, WRITE_QUEUE_FULL, YIELDING,                   0, 0",
  })
  void pausesWhileAnyReasonHoldsAndResumesWhenNoneDoes(
      String from, String event, Hold reason, String to, int pauses, int resumes) {
    holds(from).forEach(writer::hold);
    source.pauses = 0;
    source.resumes = 0;
    if (event.equals("hold")) {
      writer.hold(reason);
    } else {
      writer.release(reason);
    }
    assertEquals(holds(to), writer.holds());
    assertEquals(pauses, source.pauses, "pauses");
    assertEquals(resumes, source.resumes, "resumes");
    assertEquals(!holds(to).isEmpty(), source.paused, "the source is paused exactly while held");
  }

  @Test
  void linesAreGatheredIntoChunksAndTheRestIsWrittenAtTheEnd() {
    writer.write(line(100));
    assertEquals(List.of(), sink.written, "nothing written below a chunk");
    writer.write(line(ExportWriter.CHUNK_BYTES));
    writer.write(line(7));
    assertEquals(List.of(100 + ExportWriter.CHUNK_BYTES), sink.writtenLengths());
    writer.end();
    assertEquals(7, sink.ended.length());
    assertTrue(turns.isEmpty() && !source.paused, "no reason to pause");
  }

  @Test
  void aFullWriteQueuePausesTheSourceUntilItDrains() {
    sink.full = true;
    writer.write(line(ExportWriter.CHUNK_BYTES));
    assertEquals(Set.of(WRITE_QUEUE_FULL), writer.holds());
    assertTrue(source.paused);
    sink.drain();
    assertEquals(Set.of(), writer.holds());
    assertEquals(1, source.resumes);
  }

  @Test
  void yieldsTheEventLoopEveryRowsPerTurnRows() {
    for (int i = 1; i < ExportWriter.ROWS_PER_TURN; i++) {
      writer.write(line(1));
    }
    assertTrue(turns.isEmpty() && !source.paused, "not yet");
    writer.write(line(1));
    assertEquals(Set.of(YIELDING), writer.holds());
    assertTrue(source.paused);
    turns.remove().run();
    assertEquals(1, source.resumes);
    assertTrue(!source.paused);
  }

  /** The old one-flag design resumed here, on the next turn, into a full write queue. */
  @Test
  void theNextTurnDoesNotResumeWhileTheWriteQueueIsStillFull() {
    for (int i = 1; i < ExportWriter.ROWS_PER_TURN; i++) {
      writer.write(line(1));
    }
    sink.full = true;
    writer.write(line(ExportWriter.CHUNK_BYTES)); // the row that yields also fills the queue
    assertEquals(EnumSet.of(YIELDING, WRITE_QUEUE_FULL), writer.holds());
    assertEquals(1, source.pauses);
    turns.remove().run();
    assertEquals(0, source.resumes, "resumed before the client drained");
    assertTrue(source.paused);
    sink.drain();
    assertEquals(1, source.resumes);
    assertTrue(!source.paused);
  }

  /** A source may still hand out rows it already had; the drain then must not end the yield. */
  @Test
  void aDrainDoesNotCutAYieldShort() {
    sink.full = true;
    writer.write(line(ExportWriter.CHUNK_BYTES));
    for (int i = 1; i < ExportWriter.ROWS_PER_TURN; i++) {
      writer.write(line(1));
    }
    assertEquals(EnumSet.of(YIELDING, WRITE_QUEUE_FULL), writer.holds());
    sink.drain();
    assertEquals(0, source.resumes, "resumed while yielding");
    turns.remove().run();
    assertEquals(1, source.resumes);
  }

  private static Set<Hold> holds(String names) {
    return names == null || names.isBlank()
        ? Set.of()
        : Arrays.stream(names.split(" ")).map(Hold::valueOf).collect(Collectors.toSet());
  }

  private static Buffer line(int bytes) {
    return Buffer.buffer(new byte[bytes]);
  }

  /** A row source that only records whether it is paused. */
  private static final class Source implements ReadStream<Object> {
    boolean paused;
    int pauses;
    int resumes;

    @Override
    public ReadStream<Object> pause() {
      paused = true;
      pauses++;
      return this;
    }

    @Override
    public ReadStream<Object> resume() {
      paused = false;
      resumes++;
      return this;
    }

    @Override
    public ReadStream<Object> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public ReadStream<Object> handler(Handler<Object> handler) {
      return this;
    }

    @Override
    public ReadStream<Object> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Object> endHandler(Handler<Void> endHandler) {
      return this;
    }
  }

  /** A response whose write queue is full while {@code full}; {@link #drain} empties it. */
  private static final class Sink implements WriteStream<Buffer> {
    final List<Buffer> written = new ArrayList<>();
    Buffer ended;
    boolean full;
    private Handler<Void> drainHandler;

    void drain() {
      full = false;
      drainHandler.handle(null);
    }

    List<Integer> writtenLengths() {
      return written.stream().map(Buffer::length).toList();
    }

    @Override
    public Future<Void> write(Buffer data) {
      written.add(data);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end(Buffer data) {
      ended = data;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return end(Buffer.buffer());
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      drainHandler = handler;
      return this;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }
  }
}
