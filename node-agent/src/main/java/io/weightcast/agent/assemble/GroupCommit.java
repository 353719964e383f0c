package io.weightcast.agent.assemble;

import java.util.ArrayList;
import java.util.List;

/**
 * The chunks of one assembly that are written into their staged files and verified but not yet
 * durable, collected so that one fdatasync per touched file and one journal force cover many of
 * them. It serves the journal's invariant: a chunk's record is appended only after its bytes are
 * forced ({@link VersionAssembly} forces, then journals, each batch it {@link #drain drains}).
 *
 * <p>A batch is due once its chunks hold {@code maxBytes}, or once its oldest chunk has waited
 * {@code maxAgeNanos} when another is added. Pure bookkeeping, no I/O. Thread-safe (synchronized).
 */
final class GroupCommit {
  private final long maxBytes;
  private final long maxAgeNanos;
  private List<ChunkLocation> pending = new ArrayList<>();
  private long pendingBytes;
  private long oldestAt;

  GroupCommit(long maxBytes, long maxAgeNanos) {
    if (maxBytes < 0 || maxAgeNanos < 0) {
      throw new IllegalArgumentException("maxBytes and maxAgeNanos must be >= 0, got "
          + maxBytes + ", " + maxAgeNanos);
    }
    this.maxBytes = maxBytes;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** Adds a written chunk at time {@code nowNanos}; answers whether the batch is now due. */
  synchronized boolean add(ChunkLocation at, long nowNanos) {
    if (pending.isEmpty()) {
      oldestAt = nowNanos;
    }
    pending.add(at);
    pendingBytes += at.chunk().length();
    return pendingBytes >= maxBytes || nowNanos - oldestAt >= maxAgeNanos;
  }

  /** Takes every pending chunk (empty when there are none); the caller must commit them. */
  synchronized List<ChunkLocation> drain() {
    List<ChunkLocation> batch = pending;
    pending = new ArrayList<>();
    pendingBytes = 0;
    return batch;
  }

  synchronized int pendingChunks() {
    return pending.size();
  }
}
