package dev.taskloop.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A task as the API returns it. Timestamps are UTC. */
record Task(
    long id,
    String title,
    String description,
    @JsonProperty("is_completed") boolean isCompleted,
    Instant createdAt,
    Instant updatedAt) {}
