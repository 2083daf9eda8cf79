package dev.taskloop.system.db;

import java.util.List;
import java.util.function.Function;

/** One page of a list, as a repository returns it: the rows, and whether more rows follow. */
public record Slice<T>(List<T> rows, boolean hasNext) {
  /** The same page with its rows transformed as a whole (e.g. to embed children in one go). */
  public <R> Slice<R> withRows(Function<List<T>, List<R>> transform) {
    return new Slice<>(transform.apply(rows), hasNext);
  }
}
