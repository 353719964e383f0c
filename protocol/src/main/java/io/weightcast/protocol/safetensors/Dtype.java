package io.weightcast.protocol.safetensors;

import java.util.Optional;

/** The safetensors element types with a whole-byte width; the names are the header's. */
public enum Dtype {
  BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), F8_E8M0(1),
  I16(2), U16(2), F16(2), BF16(2),
  I32(4), U32(4), F32(4),
  I64(8), U64(8), F64(8);

  private final int width;

  Dtype(int width) {
    this.width = width;
  }

  /** Bytes per element. */
  public int width() {
    return width;
  }

  /** The dtype named {@code name} exactly (case-sensitive, as the format writes it). */
  public static Optional<Dtype> named(String name) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
