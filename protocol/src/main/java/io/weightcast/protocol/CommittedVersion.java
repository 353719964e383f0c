package io.weightcast.protocol;

import java.util.Objects;

/** A manifest as committed by the registry, at its place in the announcement sequence. */
public record CommittedVersion(Manifest manifest, long sequence, Digest manifestDigest,
    long committedAtMs) {
  public CommittedVersion {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
    }
  }

  /** Commits {@code manifest} at {@code sequence}, computing its digest. */
  public static CommittedVersion of(Manifest manifest, long sequence, long committedAtMs) {
    return new CommittedVersion(manifest, sequence, manifest.digest(), committedAtMs);
  }
}
