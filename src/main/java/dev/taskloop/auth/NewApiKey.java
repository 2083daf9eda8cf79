package dev.taskloop.auth;

import java.time.Instant;
import java.util.UUID;

/** A key just created: the only response that ever carries the raw {@code key}. */
public record NewApiKey(
    UUID id, String key, String prefix, String name, Instant createdAt, Instant expiresAt) {}
