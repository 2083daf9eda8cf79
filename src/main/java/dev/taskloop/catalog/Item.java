package dev.taskloop.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taskloop.system.http.Conditional;
import java.time.Instant;

/** An item of a category. {@code price} is a decimal string with 2 places, e.g. "12.50". */
@JsonInclude(JsonInclude.Include.ALWAYS)
record Item(
    long id,
    long categoryId,
    String name,
    String description,
    String price,
    Instant createdAt,
    Instant updatedAt,
    @JsonIgnore long version)
    implements Conditional.Versioned {}
