package dev.taskloop.catalog;

import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.http.Responses;
import java.util.Optional;

/** The HTTP meaning of each catalog {@link Outcome}: the value, a 404 or a 409. */
final class CatalogAnswers {
  static final String CATEGORY = "Category";
  static final String ITEM = "Item";

  private CatalogAnswers() {}

  /**
   * The outcome's value; else throws the problem it stands for ({@code what} {@code id} absent).
   */
  static <T> T value(Outcome<T> outcome, String what, long id) {
    return switch (outcome) {
      case Outcome.Done<T> done -> done.value();
      case Outcome.Missing<T> missing -> Responses.found(Optional.empty(), what, id);
      case Outcome.NoSuchCategory<T> none ->
          Responses.found(Optional.empty(), CATEGORY, none.categoryId());
      case Outcome.NameTaken<T> taken ->
          throw new ApiException(ProblemType.CONFLICT, "A category with this name already exists.");
      case Outcome.HasItems<T> hasItems ->
          throw new ApiException(
              ProblemType.CONFLICT,
              "The category has items: delete them first, or use ?cascade=true.");
    };
  }
}
