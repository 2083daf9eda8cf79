package dev.taskloop.catalog;

/**
 * What a catalog write came to: its result, or the domain reason there is none. Repositories return
 * it; {@link CatalogAnswers} turns each reason into its HTTP answer in one place.
 */
sealed interface Outcome<T> {
  /** Done with the value when present, else {@link Missing}. */
  static <T> Outcome<T> found(java.util.Optional<T> value) {
    return value.<Outcome<T>>map(Done::new).orElseGet(Missing::new);
  }

  record Done<T>(T value) implements Outcome<T> {}

  /** The category or item addressed does not exist for this owner. */
  record Missing<T>() implements Outcome<T> {}

  /** The category an item should belong to does not exist for this owner. */
  record NoSuchCategory<T>(long categoryId) implements Outcome<T> {}

  /** Another of the owner's categories has this name (in any case). */
  record NameTaken<T>() implements Outcome<T> {}

  /** The category still has items, and no cascade was asked for. */
  record HasItems<T>() implements Outcome<T> {}
}
