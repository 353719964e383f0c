package io.weightcast.protocol.codec;

import io.weightcast.protocol.failure.InvalidArgument;
import java.util.List;

/**
 * A hint of the width of the values a chunk holds (from the file format, e.g. a safetensors
 * dtype): it narrows the candidates {@link ChunkCodec#encode} tries. 1 byte (int8, fp8, text):
 * zstd only; 2 bytes (bf16, fp16): zstd and {@link Codec#ZSTD_SHUFFLE2}; 4 bytes (fp32, int32):
 * zstd and {@link Codec#ZSTD_SHUFFLE4}. Raw is always a candidate. Travels in the
 * {@code Weightcast-Element-Width} header of a chunk PUT.
 */
public enum ElementWidth {
  ONE(1, List.of(Codec.ZSTD)),
  TWO(2, List.of(Codec.ZSTD, Codec.ZSTD_SHUFFLE2)),
  FOUR(4, List.of(Codec.ZSTD, Codec.ZSTD_SHUFFLE4));

  /** The candidates tried without a hint. */
  static final List<Codec> ALL = List.of(Codec.ZSTD, Codec.ZSTD_SHUFFLE2, Codec.ZSTD_SHUFFLE4);

  private final int bytes;
  private final List<Codec> candidates;

  ElementWidth(int bytes, List<Codec> candidates) {
    this.bytes = bytes;
    this.candidates = candidates;
  }

  public int bytes() {
    return bytes;
  }

  /** The compressing codecs worth trying for values of this width (raw aside). */
  public List<Codec> candidates() {
    return candidates;
  }

  public static ElementWidth ofBytes(int bytes) {
    for (ElementWidth w : values()) {
      if (w.bytes == bytes) {
        return w;
      }
    }
    throw new InvalidArgument("element width must be 1, 2 or 4 bytes, got " + bytes);
  }

  /** Parses a header value: "1", "2" or "4" (surrounding spaces allowed). */
  public static ElementWidth parse(String text) {
    if (text != null) {
      switch (text.trim()) {
        case "1": return ONE;
        case "2": return TWO;
        case "4": return FOUR;
        default: break;
      }
    }
    throw new InvalidArgument("element width must be 1, 2 or 4, got '" + text + "'");
  }
}
