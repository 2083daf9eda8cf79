package dev.taskloop.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.taskloop.system.http.Conditional;
import java.time.Instant;

/** A task as the API returns it. Timestamps are UTC; the version is its ETag, not in the body. */
record Task(
    long id,
    String title,
    String description,
    @JsonProperty("is_completed") boolean isCompleted,
    Instant createdAt,
    Instant updatedAt,
    @JsonIgnore long version)
    implements Conditional.Versioned {}
