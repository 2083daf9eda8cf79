package dev.taskloop.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.Validation;

/**
 * Input of {@code PATCH /users/me}: a name (null clears it), and/or a new password with the current
 * one.
 */
record UserPatch(boolean setName, String name, String password, String currentPassword) {
  static UserPatch from(ObjectNode body, Validation validation) {
    if (body == null) {
      return null;
    }
    boolean setName = body.has("name");
    String name = setName ? AccountInput.name(body, "name", validation) : null;
    boolean changePassword = body.has("password");
    String password = changePassword ? AccountInput.password(body, "password", validation) : null;
    String current =
        changePassword ? AccountInput.credential(body, "current_password", validation) : null;
    if (!changePassword && body.has("current_password")) {
      validation.fail("current_password", "is only used together with password");
    }
    return new UserPatch(setName, name, password, current);
  }
}
