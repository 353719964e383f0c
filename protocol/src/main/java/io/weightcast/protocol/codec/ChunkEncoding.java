package io.weightcast.protocol.codec;

import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidManifest;
import java.util.Objects;

/**
 * How the origin stores a chunk, as the manifest records it (protocol/README.md, "Where the
 * codec is recorded"): the codec its frame uses and the frame's length in bytes. Pure value.
 */
public record ChunkEncoding(Codec codec, long storedLength) {
  public ChunkEncoding {
    Objects.requireNonNull(codec, "codec");
    if (storedLength <= 0 || storedLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("storedLength must be in (0, 2^31), got " + storedLength);
    }
  }

  /**
   * The encoding a manifest names: an unknown codec name or a stored length out of range makes
   * the manifest invalid ({@link InvalidManifest}).
   */
  public static ChunkEncoding parse(String wireName, long storedLength) {
    Codec codec;
    try {
      codec = Codec.fromWireName(wireName);
    } catch (DigestMismatch e) {
      throw new InvalidManifest("unknown chunk codec '" + wireName + "' in the manifest");
    }
    try {
      return new ChunkEncoding(codec, storedLength);
    } catch (IllegalArgumentException e) {
      throw new InvalidManifest(e.getMessage(), e);
    }
  }

  /**
   * Checks a received frame against this encoding before it is decoded: a frame in another
   * codec, or a {@code codec} frame of another length, fails as {@link DigestMismatch} (the
   * receiver drops it and refetches). A {@code raw} frame is always admitted: any holder may
   * serve the decoded bytes (agents serve chunks raw to peers), and the decoder still requires
   * exactly the chunk's length and the SHA-256 check follows.
   */
  public void requireMatches(Codec frameCodec, long frameLength) {
    if (frameCodec == Codec.RAW) {
      return;
    }
    if (frameCodec != codec) {
      throw new DigestMismatch("frame is " + frameCodec.wireName() + ", the manifest records "
          + codec.wireName() + "; refetch the chunk");
    }
    if (frameLength != storedLength) {
      throw new DigestMismatch(codec.wireName() + " frame is " + frameLength + " bytes, the "
          + "manifest records " + storedLength + "; refetch the chunk");
    }
  }
}
