package io.weightcast.protocol.failure;

import java.util.Locale;

/** Recognises "the disk is full" among I/O errors (pure). */
public final class DiskErrors {
  private DiskErrors() {}

  /** True when {@code e} or one of its causes is ENOSPC or EDQUOT. */
  public static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = t.getMessage();
      if (text != null) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left") || lower.contains("quota exceeded")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
