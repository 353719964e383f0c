package io.weightcast.protocol.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.weightcast.protocol.failure.DigestMismatch;
import java.nio.ByteBuffer;

/**
 * Encodes a chunk once (at ingest) and decodes it wherever it lands. Thread-safe and stateless:
 * every call uses its own zstd context, so independent chunks encode in parallel on any pool.
 *
 * <p>Rule: a chunk is stored as zstd only if the frame is at least {@link #MIN_SAVING} smaller than
 * the raw bytes, i.e. {@code encoded <= raw * (1 - 0.02)}; otherwise it is stored raw.
 */
public final class ChunkCodec {
  public static final double MIN_SAVING = 0.02;
  public static final int DEFAULT_LEVEL = 1;

  private final int level;

  public ChunkCodec(int level) {
    if (level < -7 || level > 22) {
      throw new IllegalArgumentException("zstd level must be in [-7, 22], got " + level);
    }
    this.level = level;
  }

  public ChunkCodec() {
    this(DEFAULT_LEVEL);
  }

  /** Upper bound of the encoded size of {@code rawLength} bytes (size the output buffer with it). */
  public static int maxEncodedLength(int rawLength) {
    return (int) Zstd.compressBound(rawLength);
  }

  /**
   * Encodes {@code raw} (its remaining bytes, direct buffer) into {@code out} (direct, at least
   * {@link #maxEncodedLength} remaining). Returns the codec chosen; {@code out} holds the encoded
   * bytes between its position and limit on return. Neither buffer's content is retained.
   */
  public Codec encode(ByteBuffer raw, ByteBuffer out) {
    int rawLength = raw.remaining();
    int outStart = out.position();
    long n;
    try {
      n = Zstd.compressDirectByteBuffer(out, outStart, out.remaining(), raw, raw.position(),
          rawLength, level);
    } catch (ZstdException e) {
      throw new IllegalStateException("zstd compression failed: " + e.getMessage(), e);
    }
    if (Zstd.isError(n)) {
      throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
    }
    if (n <= (long) (rawLength * (1 - MIN_SAVING))) {
      out.limit(outStart + (int) n);
      return Codec.ZSTD;
    }
    out.put(raw.duplicate());
    out.flip().position(outStart);
    return Codec.RAW;
  }

  /**
   * Decodes {@code encoded} (remaining bytes) into {@code target} at its position, writing exactly
   * {@code rawLength} bytes. Fails with {@link DigestMismatch} (the bytes are wrong, refetch them)
   * when the frame is malformed, truncated, or decodes to another length. Frames carry no zstd
   * checksum: a frame with flipped payload bits may decode to wrong bytes of the right length, so
   * the receiver must always check the chunk's SHA-256 after decoding (every receiver does). Both buffers must be direct
   * for zstd; the target may be a mapped file window.
   */
  public static void decode(Codec codec, ByteBuffer encoded, ByteBuffer target, int rawLength) {
    if (target.remaining() < rawLength) {
      throw new IllegalArgumentException("target has " + target.remaining() + " bytes, needs "
          + rawLength);
    }
    switch (codec) {
      case RAW -> {
        if (encoded.remaining() != rawLength) {
          throw new DigestMismatch("raw chunk is " + encoded.remaining() + " bytes, expected "
              + rawLength);
        }
        target.put(target.position(), encoded, encoded.position(), rawLength);
      }
      case ZSTD -> {
        long n;
        try {
          n = Zstd.decompressDirectByteBuffer(target, target.position(), rawLength, encoded,
              encoded.position(), encoded.remaining());
        } catch (ZstdException e) {
          throw new DigestMismatch("zstd frame does not decode: " + e.getMessage(), e);
        }
        if (Zstd.isError(n)) {
          throw new DigestMismatch("zstd frame does not decode: " + Zstd.getErrorName(n));
        }
        if (n != rawLength) {
          throw new DigestMismatch("zstd frame decodes to " + n + " bytes, expected " + rawLength);
        }
      }
    }
  }
}
