package dev.taskloop.support;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something written after the response (an access-log line is logged once the response
 * has been handed to the connection, so the client may see the answer first).
 */
public final class Eventually {
  private Eventually() {}

  /** {@code value}'s first result that {@code done} accepts, or its last one after 5 s. */
  public static <T> T until(Supplier<T> value, Predicate<T> done) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    T last = value.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
      last = value.get();
    }
    return last;
  }
}
