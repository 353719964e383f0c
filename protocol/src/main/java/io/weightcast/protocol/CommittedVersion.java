package io.weightcast.protocol;

import io.weightcast.protocol.signing.ManifestSignature;
import java.util.Objects;
import java.util.Optional;

/**
 * A manifest as committed by the registry, at its place in the announcement sequence, with the
 * publisher's signature over its digest when the publisher signed it.
 */
public record CommittedVersion(Manifest manifest, long sequence, Digest manifestDigest,
    long committedAtMs, Optional<ManifestSignature> signature) {
  public CommittedVersion {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    signature = signature == null ? Optional.empty() : signature;
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
    }
  }

  /** An unsigned version. */
  public CommittedVersion(Manifest manifest, long sequence, Digest manifestDigest,
      long committedAtMs) {
    this(manifest, sequence, manifestDigest, committedAtMs, Optional.empty());
  }

  /** Commits {@code manifest} at {@code sequence}, computing its digest; unsigned. */
  public static CommittedVersion of(Manifest manifest, long sequence, long committedAtMs) {
    return new CommittedVersion(manifest, sequence, manifest.digest(), committedAtMs);
  }

  /** Commits {@code manifest} at {@code sequence} with the publisher's signature, if any. */
  public static CommittedVersion of(Manifest manifest, long sequence, long committedAtMs,
      Optional<ManifestSignature> signature) {
    return new CommittedVersion(manifest, sequence, manifest.digest(), committedAtMs, signature);
  }
}
