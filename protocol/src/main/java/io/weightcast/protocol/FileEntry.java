package io.weightcast.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One file of a model version: a relative path, its size and SHA-256, and the chunks that tile it.
 * Cross-field rules (paths, tiling) are checked by {@link Manifest}, which sees all files at once.
 */
public record FileEntry(String path, long size, Digest digest, List<ChunkSpec> chunks) {
  public FileEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size + " for " + path);
    }
    chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
  }
}
