package io.weightcast.protocol;

import java.util.Objects;

/**
 * One chunk of a file: bytes {@code [offset, offset + length)}, named by the SHA-256 of those
 * uncompressed bytes. {@code index} is the chunk's position in its file.
 */
public record ChunkSpec(int index, long offset, long length, Digest digest) {
  public ChunkSpec {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    if (length <= 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length must be in (0, 2^31), got " + length);
    }
    Objects.requireNonNull(digest, "digest");
  }

  /** The first byte after the chunk. */
  public long end() {
    return offset + length;
  }
}
