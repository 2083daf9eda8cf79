package dev.taskloop.auth;

import java.time.Instant;
import java.util.UUID;

/** An API key as its owner sees it in lists: never the key itself, never its hash. */
public record ApiKey(
    UUID id,
    String name,
    String prefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt) {}
