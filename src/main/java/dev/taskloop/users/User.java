package dev.taskloop.users;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.taskloop.system.http.Conditional;
import java.time.Instant;
import java.util.UUID;

/** A user as the API shows it: never a password hash, never a key. */
record User(
    UUID id,
    String email,
    String name,
    @JsonProperty("is_active") boolean isActive,
    @JsonProperty("is_admin") boolean isAdmin,
    Instant createdAt,
    @JsonIgnore long version)
    implements Conditional.Versioned {}
