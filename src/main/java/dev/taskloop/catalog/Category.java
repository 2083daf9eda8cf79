package dev.taskloop.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A category; {@code items} is present only where the request embeds them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Category(long id, String name, Instant createdAt, Instant updatedAt, List<Item> items) {
  Category withItems(List<Item> all) {
    return new Category(id, name, createdAt, updatedAt, all);
  }
}
