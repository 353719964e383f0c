package io.weightcast.distributor.serve;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a frame of {@code total} bytes (pure). Understands the single-range
 * forms {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}; anything else (no header, other
 * units, several ranges, bad syntax) means "send the whole frame", as RFC 9110 allows.
 */
public record ByteRange(long start, long length, long total) {
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  public ByteRange {
    if (start < 0 || length <= 0 || total < 0 || start + length > total) {
      throw new IllegalArgumentException("range start=" + start + " length=" + length
          + " does not fit in " + total + " bytes");
    }
  }

  /** The last byte's offset (inclusive), as in Content-Range. */
  public long end() {
    return start + length - 1;
  }

  /** {@code bytes a-b/total}. */
  public String contentRange() {
    return "bytes " + start + "-" + end() + "/" + total;
  }

  /**
   * The range a {@code Range} header asks for, empty to send everything; throws
   * {@link RangeNotSatisfiable} when the range lies beyond the frame.
   */
  public static Optional<ByteRange> parse(String header, long total) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = SINGLE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.empty();
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || total == 0) {
          throw new RangeNotSatisfiable(header, total);
        }
        long length = Math.min(suffix, total);
        return Optional.of(new ByteRange(total - length, length, total));
      }
      long start = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
      if (last < start) {
        return Optional.empty();
      }
      if (start >= total) {
        throw new RangeNotSatisfiable(header, total);
      }
      return Optional.of(new ByteRange(start, Math.min(last, total - 1) - start + 1, total));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
