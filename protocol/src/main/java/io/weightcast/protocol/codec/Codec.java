package io.weightcast.protocol.codec;

import io.weightcast.protocol.failure.InvalidArgument;

/** How a stored chunk is encoded. The wire name travels in the {@code Weightcast-Codec} header. */
public enum Codec {
  /** The uncompressed bytes. */
  RAW("raw"),
  /** One zstd frame of the uncompressed bytes. */
  ZSTD("zstd");

  private final String wireName;

  Codec(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Codec fromWireName(String name) {
    for (Codec c : values()) {
      if (c.wireName.equals(name)) {
        return c;
      }
    }
    throw new InvalidArgument("unknown chunk codec '" + name + "'");
  }
}
