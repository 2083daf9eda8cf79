package dev.taskloop.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

/** Races: the same call from many threads at once. */
public final class Parallel {
  private Parallel() {}

  /** Runs {@code n} copies of {@code call} at once; their results, in order. */
  public static <T> List<T> run(int n, Callable<T> call) throws Exception {
    try (var pool = Executors.newFixedThreadPool(n)) {
      var results = new ArrayList<T>();
      for (var f : pool.invokeAll(Collections.nCopies(n, call))) {
        results.add(f.get());
      }
      return results;
    }
  }
}
