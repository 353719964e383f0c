package io.weightcast.protocol.codec;

import io.weightcast.protocol.failure.DigestMismatch;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a stored chunk is encoded. The wire name travels in the {@code Weightcast-Codec} header, so
 * a frame is self-describing; manifests also record it per chunk ({@link ChunkEncoding}), and
 * receivers refuse a frame whose codec differs (protocol/README.md, "Chunk codec").
 */
public enum Codec {
  /** The uncompressed bytes. */
  RAW("raw", 0),
  /** One zstd frame of the uncompressed bytes. */
  ZSTD("zstd", 1),
  /** One zstd frame of the bytes split into 2 byte planes ({@link ByteShuffle}). */
  ZSTD_SHUFFLE2("zstd-shuffle2", 2),
  /** One zstd frame of the bytes split into 4 byte planes ({@link ByteShuffle}). */
  ZSTD_SHUFFLE4("zstd-shuffle4", 4);

  private static final String KNOWN = Arrays.stream(values()).map(Codec::wireName)
      .collect(Collectors.joining(", "));

  private final String wireName;
  private final int planes;

  Codec(String wireName, int planes) {
    this.wireName = wireName;
    this.planes = planes;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether the body is a zstd frame (and so must sit in a direct buffer to be decoded). */
  public boolean isZstd() {
    return planes > 0;
  }

  /** Number of byte planes the zstd content is split into: 1 for plain zstd, 0 for raw. */
  public int planes() {
    return planes;
  }

  /**
   * The codec a frame's tag names. An unknown or missing tag fails as {@link DigestMismatch}
   * (retryable): these bytes cannot be turned into the named content here, so the receiver drops
   * them and refetches, from another source if it has one.
   */
  public static Codec fromWireName(String name) {
    for (Codec c : values()) {
      if (c.wireName.equals(name)) {
        return c;
      }
    }
    throw new DigestMismatch("unknown chunk codec '" + name + "' (this node decodes " + KNOWN
        + "); refetch the chunk");
  }
}
