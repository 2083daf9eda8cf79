package dev.taskloop.system.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * A stored response body, sealed with AES-256-GCM under a key derived (HKDF-SHA256, JDK 25's {@link
 * KDF}) from the Idempotency-Key and its owner, with the answer's other columns as associated data
 * (a row cannot be given another status or location). The table holds only the key's hash, so
 * whoever reads it needs the Idempotency-Key to open a response (such as a new API key's secret):
 * as hard as guessing the key, which is why keys should be random (UUIDs).
 */
final class Sealed {
  private static final byte[] INFO =
      "taskloop idempotency-key response v1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sealed() {}

  /** Base64 of nonce and ciphertext of {@code answer}'s body. */
  static String seal(IdempotencyKey key, UUID owner, Idempotency.Answer answer) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, secret(key, owner), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associated(key, answer));
      byte[] sealed = cipher.doFinal(answer.body());
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  /** The body {@link #seal} sealed with the same key, owner and other columns of the answer. */
  static byte[] open(IdempotencyKey key, UUID owner, Idempotency.Answer answer, String sealed) {
    byte[] all = Base64.getDecoder().decode(sealed);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          secret(key, owner),
          new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(associated(key, answer));
      return cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a stored response does not open with its key", e);
    }
  }

  private static byte[] associated(IdempotencyKey key, Idempotency.Answer answer) {
    String columns =
        key.hash() + "\n" + answer.status() + "\n" + answer.location() + "\n" + answer.etag();
    return columns.getBytes(StandardCharsets.UTF_8);
  }

  private static SecretKey secret(IdempotencyKey key, UUID owner) throws GeneralSecurityException {
    var spec =
        HKDFParameterSpec.ofExtract()
            .addIKM(key.value().getBytes(StandardCharsets.US_ASCII))
            .addSalt(owner.toString().getBytes(StandardCharsets.US_ASCII))
            .thenExpand(INFO, 32);
    return KDF.getInstance("HKDF-SHA256").deriveKey("AES", spec);
  }
}
