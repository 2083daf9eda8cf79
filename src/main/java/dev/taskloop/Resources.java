package dev.taskloop;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What startup has opened so far, so that a failed startup and {@link Taskloop#shutdown} close it
 * the same way: last opened, first closed. A resource that fails to close is logged and skipped:
 * the ones opened before it still close.
 */
final class Resources {
  private static final Logger LOG = LoggerFactory.getLogger(Taskloop.class);

  /** Closes one resource, blocking until it is closed (or its own bound is up). */
  @FunctionalInterface
  interface Closing {
    void close() throws Exception;
  }

  private record Opened(String name, Closing closing) {}

  private final Deque<Opened> opened = new ArrayDeque<>();

  /** Remembers how to close what was just opened; {@code name} says what in the log. */
  synchronized void add(String name, Closing closing) {
    opened.push(new Opened(name, closing));
  }

  /** Closes everything added, in reverse order; what is closed is forgotten (idempotent). */
  synchronized void closeAll() {
    boolean interrupted = false;
    while (!opened.isEmpty()) {
      Opened next = opened.pop();
      try {
        next.closing().close();
      } catch (InterruptedException e) {
        interrupted = true; // the rest still close (each wait is bounded); the flag is kept below
        LOG.warn("{} did not close cleanly: interrupted", next.name());
      } catch (Exception e) {
        LOG.warn("{} did not close cleanly: {}", next.name(), e.toString());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
