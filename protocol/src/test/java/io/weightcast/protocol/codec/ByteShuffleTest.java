package io.weightcast.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-plane layout against its formula (protocol/README.md, "Chunk codec"). */
class ByteShuffleTest {

  /** The formula, byte by byte: shuffled[j*m + i] = raw[i*w + j]; the tail is copied. */
  static byte[] reference(byte[] raw, int w) {
    int m = raw.length / w;
    byte[] out = new byte[raw.length];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < w; j++) {
        out[j * m + i] = raw[i * w + j];
      }
    }
    System.arraycopy(raw, w * m, out, w * m, raw.length - w * m);
    return out;
  }

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer b, int at, int n) {
    byte[] out = new byte[n];
    b.get(at, out);
    return out;
  }

  /** The two examples written in protocol/README.md. */
  @Test
  void matchesTheReadmeExamples() {
    ByteBuffer planes = ByteBuffer.allocateDirect(9);
    ByteShuffle.shuffle(ByteBuffer.allocateDirect(5).put(new byte[] {1, 2, 3, 4, 5}).flip(), 0,
        planes, 0, 5, 2);
    assertArrayEquals(new byte[] {1, 3, 2, 4, 5}, bytes(planes, 0, 5));
    byte[] raw4 = {0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x20};
    ByteShuffle.shuffle(ByteBuffer.allocateDirect(9).put(raw4).flip(), 0, planes, 0, 9, 4);
    assertArrayEquals(new byte[] {0x00, 0x10, 0x01, 0x11, 0x02, 0x12, 0x03, 0x13, 0x20},
        bytes(planes, 0, 9));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void matchesTheFormulaForEveryLengthUpTo300AtOddOffsets(int w) {
    for (int n = 0; n <= 300; n++) {
      byte[] raw = random(n, n * 31L + w);
      ByteBuffer src = ByteBuffer.allocateDirect(n + 13).put(5, raw);
      ByteBuffer dst = ByteBuffer.allocateDirect(n + 11);
      ByteShuffle.shuffle(src, 5, dst, 3, n, w);
      assertArrayEquals(reference(raw, w), bytes(dst, 3, n), "n=" + n);
      ByteBuffer back = ByteBuffer.allocateDirect(n + 7);
      ByteShuffle.unshuffle(dst, 3, back, 1, n, w);
      assertArrayEquals(raw, bytes(back, 1, n), "n=" + n);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void roundTripsRandomLargeLengthsWithOddTails(int w) {
    Random lengths = new Random(w);
    for (int k = 0; k < 20; k++) {
      int n = 1 + lengths.nextInt(3 << 20);
      byte[] raw = random(n, k);
      ByteBuffer src = ByteBuffer.allocateDirect(n).put(0, raw);
      ByteBuffer planes = ByteBuffer.allocateDirect(n);
      ByteShuffle.shuffle(src, 0, planes, 0, n, w);
      if (k < 3) {
        assertArrayEquals(reference(raw, w), bytes(planes, 0, n), "n=" + n);
      }
      ByteBuffer back = ByteBuffer.allocate(n);
      ByteShuffle.unshuffle(planes, 0, back, 0, n, w);
      assertArrayEquals(raw, back.array(), "n=" + n);
    }
  }

  @Test
  void leavesPositionsAndLimitsAlone() {
    ByteBuffer src = ByteBuffer.allocateDirect(100).position(10).limit(20);
    ByteBuffer dst = ByteBuffer.allocateDirect(100).position(30).limit(40);
    ByteShuffle.shuffle(src, 0, dst, 0, 100, 2);
    assertArrayEquals(new int[] {10, 20, 30, 40},
        new int[] {src.position(), src.limit(), dst.position(), dst.limit()});
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 8})
  void refusesOtherWidths(int w) {
    ByteBuffer b = ByteBuffer.allocateDirect(16);
    assertThrows(IllegalArgumentException.class, () -> ByteShuffle.shuffle(b, 0, b, 0, 8, w));
    assertThrows(IllegalArgumentException.class, () -> ByteShuffle.unshuffle(b, 0, b, 0, 8, w));
  }
}
