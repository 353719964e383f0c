package io.weightcast.protocol.signing;

import io.weightcast.protocol.Digest;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs manifest digests with one Ed25519 private key (the release pipeline's {@code push --sign}).
 * Thread-safe: each call uses its own {@link Signature}.
 */
public final class ManifestSigner {
  private final PrivateKey key;
  private final String keyId;

  public ManifestSigner(PrivateKey key) {
    this.key = key;
    this.keyId = Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key));
  }

  /** Loads the PEM PKCS#8 private key in {@code file}. */
  public static ManifestSigner fromFile(Path file) {
    return new ManifestSigner(Ed25519Keys.readPrivate(file));
  }

  public String keyId() {
    return keyId;
  }

  public ManifestSignature sign(Digest manifestDigest) {
    try {
      Signature s = Signature.getInstance(Ed25519Keys.ALGORITHM);
      s.initSign(key);
      s.update(ManifestSignature.message(manifestDigest));
      return new ManifestSignature(keyId, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Ed25519: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ManifestSigner[keyId=" + keyId + ", key=<redacted>]";
  }
}
