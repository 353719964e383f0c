package io.weightcast.protocol.limits;

import io.weightcast.protocol.wire.Sizes;
import java.util.Locale;

/** Parses bandwidth caps for CLIs: "100MB/s", "40MiB", "1.5g/s" (binary units), "0" or "off". */
public final class Bandwidth {
  private Bandwidth() {}

  /** Bytes per second; 0 means unlimited. */
  public static long parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("off") || t.equals("unlimited")) {
      return 0;
    }
    if (t.endsWith("/s")) {
      t = t.substring(0, t.length() - 2);
    }
    try {
      return Sizes.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a bandwidth: '" + text
          + "' (e.g. 100MB/s, 40MiB/s, off)", e);
    }
  }
}
