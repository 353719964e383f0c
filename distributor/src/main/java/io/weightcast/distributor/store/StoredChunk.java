package io.weightcast.distributor.store;

import io.weightcast.protocol.codec.Codec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A published chunk file: where it is, how it is encoded, the length of the decoded chunk and the
 * length of the stored frame (the body of a full GET). Immutable.
 */
public record StoredChunk(Path path, Codec codec, long rawLength, long frameLength) {
  public StoredChunk {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(codec, "codec");
    if (rawLength < 0) {
      throw new IllegalArgumentException("rawLength must be >= 0, got " + rawLength);
    }
    if (frameLength < 0) {
      throw new IllegalArgumentException("frameLength must be >= 0, got " + frameLength);
    }
    if (codec == Codec.RAW && frameLength != rawLength) {
      throw new IllegalArgumentException("a raw chunk's frameLength (" + frameLength
          + ") must equal its rawLength (" + rawLength + ")");
    }
  }
}
