package io.weightcast.protocol;

import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.codec.Codec;
import java.util.Objects;
import java.util.Optional;

/**
 * One chunk of a file: bytes {@code [offset, offset + length)}, named by the SHA-256 of those
 * uncompressed bytes. {@code index} is the chunk's position in its file. {@code encoding} is how
 * the origin stores it (codec and frame length), when the manifest records it; empty in
 * manifests written before it was recorded (receivers then take the codec from the frame).
 */
public record ChunkSpec(int index, long offset, long length, Digest digest,
    Optional<ChunkEncoding> encoding) {
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
    Objects.requireNonNull(encoding, "encoding");
    if (encoding.isPresent() && encoding.get().codec() == Codec.RAW
        && encoding.get().storedLength() != length) {
      throw new IllegalArgumentException("a raw chunk's stored length must be its length "
          + length + ", got " + encoding.get().storedLength());
    }
  }

  /** A chunk whose encoding the manifest does not record. */
  public ChunkSpec(int index, long offset, long length, Digest digest) {
    this(index, offset, length, digest, Optional.empty());
  }

  /** The same chunk with {@code encoding} recorded. */
  public ChunkSpec withEncoding(ChunkEncoding encoding) {
    return new ChunkSpec(index, offset, length, digest, Optional.of(encoding));
  }

  /** The first byte after the chunk. */
  public long end() {
    return offset + length;
  }
}
