package io.weightcast.distributor;

import io.weightcast.protocol.Manifest;

/**
 * What one distributor accepts and caps.
 *
 * @param maxEgressBytesPerSec cap on the chunk bytes served, all streams together (0 = unlimited)
 * @param maxUploadsPerClient uploads one client address may have in flight at once; the next one
 *     is refused with 429 until one finishes
 * @param maxChunkBytes largest chunk upload (Content-Length) accepted; larger ones get 413
 */
public record DistributorLimits(long maxEgressBytesPerSec, int maxUploadsPerClient,
    long maxChunkBytes) {
  /** Unlimited egress; 256 uploads per client (the pusher's --streams maximum); 256 MiB chunks. */
  public static final DistributorLimits DEFAULTS =
      new DistributorLimits(0, 256, Manifest.MAX_CHUNK_SIZE);

  public DistributorLimits {
    if (maxEgressBytesPerSec < 0) {
      throw new IllegalArgumentException("maxEgressBytesPerSec must be >= 0 (0 = unlimited), got "
          + maxEgressBytesPerSec);
    }
    if (maxUploadsPerClient < 1) {
      throw new IllegalArgumentException("maxUploadsPerClient must be >= 1, got "
          + maxUploadsPerClient);
    }
    if (maxChunkBytes < 1 || maxChunkBytes > Manifest.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("maxChunkBytes must be in [1, " + Manifest.MAX_CHUNK_SIZE
          + "], got " + maxChunkBytes);
    }
  }
}
