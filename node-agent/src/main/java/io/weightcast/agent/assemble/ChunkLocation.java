package io.weightcast.agent.assemble;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import java.util.Objects;

/**
 * One place a chunk lands: chunk {@code chunk.index()} of file {@code fileIndex} of the manifest.
 * The same digest may have several locations (duplicate content); each is written on its own.
 */
public record ChunkLocation(int fileIndex, FileEntry file, ChunkSpec chunk) {
  public ChunkLocation {
    if (fileIndex < 0) {
      throw new IllegalArgumentException("fileIndex must be >= 0, got " + fileIndex);
    }
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(chunk, "chunk");
  }

  @Override
  public String toString() {
    return file.path() + "#" + chunk.index() + "@" + chunk.offset() + "+" + chunk.length();
  }
}
