package dev.taskloop.auth;

import java.util.UUID;

/** Who is calling: the user behind the API key of this request. */
public record Principal(UUID userId, UUID keyId, boolean admin) {}
