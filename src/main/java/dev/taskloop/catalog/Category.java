package dev.taskloop.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taskloop.system.http.Conditional;
import java.time.Instant;
import java.util.List;

/**
 * A category; {@code items} is present only where the request embeds them. Its version (the ETag,
 * not in the body) changes also when one of its items does (a trigger, migration V6).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Category(
    long id,
    String name,
    Instant createdAt,
    Instant updatedAt,
    List<Item> items,
    @JsonIgnore long version)
    implements Conditional.Versioned {
  Category withItems(List<Item> all) {
    return new Category(id, name, createdAt, updatedAt, all, version);
  }
}
