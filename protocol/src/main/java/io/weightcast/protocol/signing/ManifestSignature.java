package io.weightcast.protocol.signing;

import io.weightcast.protocol.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An Ed25519 signature over a manifest digest, and the id of the key that made it. The signed
 * message is {@link #message}: the ASCII bytes of {@code "weightcast.v1 manifest "} followed by
 * the lowercase hex manifest digest (protocol/README.md, "Signed manifests"); the prefix keeps a
 * manifest key from signing anything else by accident.
 *
 * @param keyId {@link Ed25519Keys#keyId}: the first 16 hex digits of the SHA-256 of the public
 *     key's X.509 SubjectPublicKeyInfo encoding
 * @param signature the 64-byte Ed25519 signature (copied in and out: the record is immutable)
 */
public record ManifestSignature(String keyId, byte[] signature) {
  public static final int SIGNATURE_BYTES = 64;
  private static final String PREFIX = "weightcast.v1 manifest ";

  public ManifestSignature {
    if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("signature key_id must be 16 lowercase hex digits, got '"
          + keyId + "'");
    }
    if (signature == null || signature.length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException("an Ed25519 signature has " + SIGNATURE_BYTES
          + " bytes, got " + (signature == null ? "none" : signature.length));
    }
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The bytes a publisher signs and an agent verifies for a manifest with {@code digest}. */
  public static byte[] message(Digest digest) {
    return (PREFIX + digest.hex()).getBytes(StandardCharsets.US_ASCII);
  }

  /** One-line text form {@code "<keyId> <base64 signature>"} (the registry's log record). */
  public String encode() {
    return keyId + " " + Base64.getEncoder().encodeToString(signature);
  }

  /** Parses {@link #encode()}. */
  public static ManifestSignature decode(String text) {
    int space = text.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("signature text is not '<key id> <base64>': '" + text
          + "'");
    }
    return new ManifestSignature(text.substring(0, space),
        Base64.getDecoder().decode(text.substring(space + 1).strip()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestSignature s && s.keyId.equals(keyId)
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "ManifestSignature[keyId=" + keyId + ", signature="
        + HexFormat.of().formatHex(signature, 0, 8) + "...]";
  }
}
