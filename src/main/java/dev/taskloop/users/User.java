package dev.taskloop.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/** A user as the API shows it: never a password hash, never a key. */
record User(
    UUID id,
    String email,
    String name,
    @JsonProperty("is_active") boolean isActive,
    @JsonProperty("is_admin") boolean isAdmin,
    Instant createdAt) {}
