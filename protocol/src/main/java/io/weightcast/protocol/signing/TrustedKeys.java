package io.weightcast.protocol.signing;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.UntrustedVersion;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public keys an agent accepts manifests from, by key id. Empty means "accept every version,
 * signed or not" (no keys configured). Immutable and thread-safe.
 *
 * <p>{@link #check} refuses, in this order: (1) an unsigned version; (2) a signature by a key id
 * not in the set; (3) a signature that does not verify over the digest of the manifest content
 * (computed here from the manifest, never taken from the announcement), so a manifest changed
 * after signing is refused even if the announcement's digest field was changed with it.
 */
public final class TrustedKeys {
  public static final TrustedKeys NONE = new TrustedKeys(Map.of());

  private final Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  public static TrustedKeys of(Collection<PublicKey> keys) {
    Map<String, PublicKey> byId = new TreeMap<>();
    for (PublicKey k : keys) {
      if (!Ed25519Keys.ALGORITHM.equalsIgnoreCase(k.getAlgorithm())
          && !"EdDSA".equalsIgnoreCase(k.getAlgorithm())) {
        throw new IllegalArgumentException("trusted keys must be Ed25519, got " + k.getAlgorithm());
      }
      byId.put(Ed25519Keys.keyId(k), k);
    }
    return new TrustedKeys(byId);
  }

  /** Reads PEM X.509 public keys (the agent's {@code --trusted-key FILE}, repeatable). */
  public static TrustedKeys fromFiles(Collection<Path> files) {
    return of(files.stream().map(Ed25519Keys::readPublic).toList());
  }

  /** Whether any key is configured (otherwise every version is accepted). */
  public boolean enforced() {
    return !keys.isEmpty();
  }

  public List<String> keyIds() {
    return List.copyOf(new TreeMap<>(keys).keySet());
  }

  /** Passes when no key is configured or the version verifies; otherwise throws the reason. */
  public void check(CommittedVersion version) {
    if (!enforced()) {
      return;
    }
    String id = version.manifest().id();
    ManifestSignature sig = version.signature().orElseThrow(() -> new UntrustedVersion(
        id + " is unsigned and this agent only accepts versions signed by " + keyIds()));
    PublicKey key = keys.get(sig.keyId());
    if (key == null) {
      throw new UntrustedVersion(id + " is signed by key " + sig.keyId()
          + ", which this agent does not trust (trusted: " + keyIds() + ")");
    }
    Digest digest = version.manifest().digest();
    if (!verifies(key, digest, sig.signature())) {
      throw new UntrustedVersion(id + ": the signature by key " + sig.keyId()
          + " does not verify over manifest digest " + digest.shortHex()
          + " (the manifest was changed after signing, or the signature is corrupt)");
    }
  }

  private static boolean verifies(PublicKey key, Digest digest, byte[] signature) {
    try {
      Signature s = Signature.getInstance(Ed25519Keys.ALGORITHM);
      s.initVerify(key);
      s.update(ManifestSignature.message(digest));
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot verify Ed25519: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TrustedKeys" + keyIds();
  }
}
