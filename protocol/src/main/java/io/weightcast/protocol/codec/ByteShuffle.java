package io.weightcast.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte-plane shuffle of a chunk by element width {@code w} (2 or 4). For {@code n} bytes holding
 * {@code m = n / w} elements, the shuffled form is plane 0, plane 1, ..., plane w-1, then the
 * {@code n % w} tail bytes unchanged, where plane {@code j} is byte {@code j} of every element:
 *
 * <pre>shuffled[j*m + i] = raw[i*w + j]   (0 <= i < m, 0 <= j < w);   shuffled[w*m + t] = raw[w*m + t]</pre>
 *
 * <p>Little-endian 16-bit floats thus become all low (mantissa) bytes, then all high (sign,
 * exponent) bytes, which zstd compresses far better. The bulk moves 8 elements per step with
 * 64-bit loads, bit compaction/spreading and 64-bit stores; only the last {@code m % 8} elements
 * and the tail go byte by byte. Pure and stateless; buffers are addressed absolutely (positions
 * and limits are neither read nor moved) and must not overlap.
 */
public final class ByteShuffle {
  private static final long EVEN_BYTES = 0x00FF00FF00FF00FFL;
  private static final long EVEN_SHORTS = 0x0000FFFF0000FFFFL;
  private static final long LOW_INT = 0x00000000FFFFFFFFL;

  private ByteShuffle() {}

  /** Shuffles {@code n} bytes of {@code src} from {@code srcAt} into {@code dst} at {@code dstAt}. */
  public static void shuffle(ByteBuffer src, int srcAt, ByteBuffer dst, int dstAt, int n, int w) {
    checkWidth(w);
    ByteBuffer s = src.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer d = dst.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    int m = n / w;
    int bulk = m & ~7;
    if (w == 2) {
      shuffle2(s, srcAt, d, dstAt, m, bulk);
    } else {
      shuffle4(s, srcAt, d, dstAt, m, bulk);
    }
    for (int i = bulk; i < m; i++) {
      for (int j = 0; j < w; j++) {
        d.put(dstAt + j * m + i, s.get(srcAt + i * w + j));
      }
    }
    for (int t = w * m; t < n; t++) {
      d.put(dstAt + t, s.get(srcAt + t));
    }
  }

  /** Inverse of {@link #shuffle}: {@code n} shuffled bytes of {@code src} back into {@code dst}. */
  public static void unshuffle(ByteBuffer src, int srcAt, ByteBuffer dst, int dstAt, int n,
      int w) {
    checkWidth(w);
    ByteBuffer s = src.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer d = dst.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    int m = n / w;
    unshuffleElements(s, srcAt, d, dstAt, m, 0, m, w);
    for (int t = w * m; t < n; t++) {
      d.put(dstAt + t, s.get(srcAt + t));
    }
  }

  /**
   * Un-shuffles only elements {@code [first, first + count)} of a chunk of {@code m} whole
   * elements: reads bytes {@code j*m + i} of {@code planes} (from 0) and writes bytes
   * {@code i*w + j} of {@code dst} (from 0), for every plane {@code j}. The tail is the caller's.
   * Lets a decoder produce and hash a chunk one cache-sized slice at a time ({@link ChunkDecoder}).
   */
  static void unshuffleRange(ByteBuffer planes, ByteBuffer dst, int m, int first, int count,
      int w) {
    checkWidth(w);
    if (first < 0 || count < 0 || first + count > m) {
      throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
          + ") of " + m);
    }
    ByteBuffer s = planes.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer d = dst.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    unshuffleElements(s, 0, d, 0, m, first, first + count, w);
  }

  /** Elements [from, to): 8 at a time with the word-wise steps, the rest byte by byte. */
  private static void unshuffleElements(ByteBuffer s, int sAt, ByteBuffer d, int dAt, int m,
      int from, int to, int w) {
    int bulkEnd = from + ((to - from) & ~7);
    if (w == 2) {
      unshuffle2(s, sAt, d, dAt, m, from, bulkEnd);
    } else {
      unshuffle4(s, sAt, d, dAt, m, from, bulkEnd);
    }
    for (int i = bulkEnd; i < to; i++) {
      for (int j = 0; j < w; j++) {
        d.put(dAt + i * w + j, s.get(sAt + j * m + i));
      }
    }
  }

  private static void checkWidth(int w) {
    if (w != 2 && w != 4) {
      throw new IllegalArgumentException("shuffle width must be 2 or 4, got " + w);
    }
  }

  /** 8 elements per step: two input longs become one long of each plane. */
  private static void shuffle2(ByteBuffer s, int sAt, ByteBuffer d, int dAt, int m, int bulk) {
    int p1 = dAt + m;
    for (int i = 0; i < bulk; i += 8) {
      long a = s.getLong(sAt + 2 * i);
      long b = s.getLong(sAt + 2 * i + 8);
      d.putLong(dAt + i, evenBytes(a) | evenBytes(b) << 32);
      d.putLong(p1 + i, evenBytes(a >>> 8) | evenBytes(b >>> 8) << 32);
    }
  }

  private static void unshuffle2(ByteBuffer s, int sAt, ByteBuffer d, int dAt, int m, int from,
      int bulkEnd) {
    int p1 = sAt + m;
    for (int i = from; i < bulkEnd; i += 8) {
      long lo = s.getLong(sAt + i);
      long hi = s.getLong(p1 + i);
      d.putLong(dAt + 2 * i, spreadBytes(lo & LOW_INT) | spreadBytes(hi & LOW_INT) << 8);
      d.putLong(dAt + 2 * i + 8, spreadBytes(lo >>> 32) | spreadBytes(hi >>> 32) << 8);
    }
  }

  /**
   * 8 elements per step: split the four input longs into the low and high 16-bit halves of each
   * element, then split each stream of halves into its bytes as {@link #shuffle2} does.
   */
  private static void shuffle4(ByteBuffer s, int sAt, ByteBuffer d, int dAt, int m, int bulk) {
    for (int i = 0; i < bulk; i += 8) {
      int at = sAt + 4 * i;
      long a0 = s.getLong(at);
      long a1 = s.getLong(at + 8);
      long a2 = s.getLong(at + 16);
      long a3 = s.getLong(at + 24);
      long low = evenShorts(a0) | evenShorts(a1) << 32;
      long low2 = evenShorts(a2) | evenShorts(a3) << 32;
      long high = evenShorts(a0 >>> 16) | evenShorts(a1 >>> 16) << 32;
      long high2 = evenShorts(a2 >>> 16) | evenShorts(a3 >>> 16) << 32;
      d.putLong(dAt + i, evenBytes(low) | evenBytes(low2) << 32);
      d.putLong(dAt + m + i, evenBytes(low >>> 8) | evenBytes(low2 >>> 8) << 32);
      d.putLong(dAt + 2 * m + i, evenBytes(high) | evenBytes(high2) << 32);
      d.putLong(dAt + 3 * m + i, evenBytes(high >>> 8) | evenBytes(high2 >>> 8) << 32);
    }
  }

  private static void unshuffle4(ByteBuffer s, int sAt, ByteBuffer d, int dAt, int m, int from,
      int bulkEnd) {
    for (int i = from; i < bulkEnd; i += 8) {
      long p0 = s.getLong(sAt + i);
      long p1 = s.getLong(sAt + m + i);
      long p2 = s.getLong(sAt + 2 * m + i);
      long p3 = s.getLong(sAt + 3 * m + i);
      // Low and high 16-bit halves of elements 0-3 and 4-7.
      long low = spreadBytes(p0 & LOW_INT) | spreadBytes(p1 & LOW_INT) << 8;
      long low2 = spreadBytes(p0 >>> 32) | spreadBytes(p1 >>> 32) << 8;
      long high = spreadBytes(p2 & LOW_INT) | spreadBytes(p3 & LOW_INT) << 8;
      long high2 = spreadBytes(p2 >>> 32) | spreadBytes(p3 >>> 32) << 8;
      int at = dAt + 4 * i;
      d.putLong(at, spreadShorts(low & LOW_INT) | spreadShorts(high & LOW_INT) << 16);
      d.putLong(at + 8, spreadShorts(low >>> 32) | spreadShorts(high >>> 32) << 16);
      d.putLong(at + 16, spreadShorts(low2 & LOW_INT) | spreadShorts(high2 & LOW_INT) << 16);
      d.putLong(at + 24, spreadShorts(low2 >>> 32) | spreadShorts(high2 >>> 32) << 16);
    }
  }

  /** Bytes 0, 2, 4, 6 of {@code x} packed into the low 32 bits. */
  private static long evenBytes(long x) {
    x &= EVEN_BYTES;
    x = (x | x >>> 8) & EVEN_SHORTS;
    return (x | x >>> 16) & LOW_INT;
  }

  /** The 16-bit words 0 and 2 of {@code x} packed into the low 32 bits. */
  private static long evenShorts(long x) {
    x &= EVEN_SHORTS;
    return (x | x >>> 16) & LOW_INT;
  }

  /** Inverse of {@link #evenBytes}: the 4 low bytes of {@code x} to bytes 0, 2, 4, 6. */
  private static long spreadBytes(long x) {
    x = (x | x << 16) & EVEN_SHORTS;
    return (x | x << 8) & EVEN_BYTES;
  }

  /** Inverse of {@link #evenShorts}: the 2 low words of {@code x} to words 0 and 2. */
  private static long spreadShorts(long x) {
    return (x | x << 16) & EVEN_SHORTS;
  }
}
