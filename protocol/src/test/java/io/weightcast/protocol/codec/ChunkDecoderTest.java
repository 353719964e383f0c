package io.weightcast.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.testing.ExternalTools;
import io.weightcast.protocol.testing.ModelFixture;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused decode + hash path gives exactly the bytes and digest of the two-pass path
 * ({@link ChunkCodec#decode} then SHA-256) for every codec and length, and rejects what
 * {@link ChunkCodec#decode} rejects.
 */
class ChunkDecoderTest {
  private static final int SLICE = ChunkDecoder.SLICE;
  private static final ChunkCodec CODEC = new ChunkCodec();
  /** Around the slice size and 8-element steps: every way a slice or the tail can end. */
  private static final int[] LENGTHS = {1, 2, 3, 7, 63, 64, 65, 4097, SLICE - 1, SLICE,
      SLICE + 1, SLICE + 17, 2 * SLICE + 3, 4 * SLICE + 31, (5 << 20) + 5};

  private static ByteBuffer direct(byte[] bytes) {
    return ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip();
  }

  private static ByteBuffer encodeAs(Codec codec, byte[] raw) {
    ByteBuffer out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(raw.length));
    CODEC.encodeAs(codec, direct(raw), out);
    return ByteBuffer.allocateDirect(Math.max(1, out.remaining())).put(out).flip();
  }

  private static byte[] bytes(ByteBuffer b, int at, int n) {
    byte[] out = new byte[n];
    b.get(at, out);
    return out;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void matchesTheTwoPassDecodeForEveryLengthAndTail(Codec codec) {
    Random random = new Random(codec.ordinal());
    for (int length : LENGTHS) {
      byte[] raw = random.nextBoolean() ? ModelFixture.bf16Bytes(length, length)
          : new byte[length];
      if (length % 3 == 0) {
        random.nextBytes(raw);
      }
      ByteBuffer frame = encodeAs(codec, raw);
      ByteBuffer target = ByteBuffer.allocateDirect(length);
      Digest digest = ChunkDecoder.decodeAndHash(codec, frame, target, length);
      assertEquals(Digest.sha256(raw), digest, codec + " at length " + length);
      assertArrayEquals(raw, bytes(target, 0, length), codec + " at length " + length);
      assertEquals(0, frame.position(), "the frame's position does not move");
    }
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void writesOnlyTheChunkInsideALargerTarget(Codec codec) {
    int length = 3 * SLICE + 9;
    byte[] raw = ModelFixture.bf16Bytes(length, 5);
    ByteBuffer target = ByteBuffer.allocateDirect(length + 2 * 4099);
    byte[] fill = new byte[target.capacity()];
    Arrays.fill(fill, (byte) 0xA5);
    target.put(0, fill);

    ChunkDecoder.decodeAndHash(codec, encodeAs(codec, raw), target.duplicate().position(4099),
        length);

    byte[] all = bytes(target, 0, target.capacity());
    assertArrayEquals(raw, Arrays.copyOfRange(all, 4099, 4099 + length));
    for (int i = 0; i < all.length; i++) {
      if (i < 4099 || i >= 4099 + length) {
        assertEquals((byte) 0xA5, all[i], "byte " + i + " was overwritten");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"ZSTD", "ZSTD_SHUFFLE2", "ZSTD_SHUFFLE4"})
  void rejectsFramesOfAnotherLengthTruncatedOrFollowedByBytes(Codec codec) {
    int length = 2 * SLICE + 5;
    byte[] raw = ModelFixture.bf16Bytes(length, 8);
    ByteBuffer frame = encodeAs(codec, raw);
    ByteBuffer target = ByteBuffer.allocateDirect(length + 1);
    assertThrows(DigestMismatch.class,
        () -> ChunkDecoder.decodeAndHash(codec, frame, target.clear(), length - 1));
    assertThrows(DigestMismatch.class,
        () -> ChunkDecoder.decodeAndHash(codec, frame, target.clear(), length + 1));
    for (int cut : new int[] {1, 10, frame.remaining() / 2}) {
      ByteBuffer truncated = frame.duplicate().limit(frame.remaining() - cut);
      assertThrows(DigestMismatch.class,
          () -> ChunkDecoder.decodeAndHash(codec, truncated, target.clear(), length));
    }
    ByteBuffer longer = ByteBuffer.allocateDirect(frame.remaining() + 3).put(frame.duplicate())
        .put(new byte[] {1, 2, 3}).flip();
    assertThrows(DigestMismatch.class,
        () -> ChunkDecoder.decodeAndHash(codec, longer, target.clear(), length));
    ByteBuffer garbage = direct(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 9, 9, 9, 9});
    assertThrows(DigestMismatch.class,
        () -> ChunkDecoder.decodeAndHash(codec, garbage, target.clear(), length));
  }

  @Test
  void rejectsARawBodyOfAnotherLength() {
    ByteBuffer body = direct(new byte[100]);
    ByteBuffer target = ByteBuffer.allocateDirect(101);
    assertThrows(DigestMismatch.class, () -> ChunkDecoder.decodeAndHash(Codec.RAW, body, target,
        101));
    assertThrows(DigestMismatch.class, () -> ChunkDecoder.decodeAndHash(Codec.RAW, body, target,
        99));
  }

  @Test
  void rejectsATargetSmallerThanTheRawLength() {
    assertThrows(IllegalArgumentException.class, () -> ChunkDecoder.decodeAndHash(Codec.RAW,
        direct(new byte[10]), ByteBuffer.allocateDirect(9), 10));
  }

  /** A streamed frame without a content size (the zstd command reading a pipe) decodes too. */
  @Test
  void decodesAStreamedFrameOfTheZstdCommandWithoutAContentSize() {
    Assumptions.assumeTrue(ExternalTools.available("zstd"), "zstd not installed");
    byte[] raw = ModelFixture.bf16Bytes(3 * SLICE + 1, 23);
    byte[] frame = ExternalTools.run(raw, "zstd", "-1", "-q", "-c", "--no-content-size");
    ByteBuffer target = ByteBuffer.allocateDirect(raw.length);
    assertEquals(Digest.sha256(raw),
        ChunkDecoder.decodeAndHash(Codec.ZSTD, direct(frame), target, raw.length));
    assertArrayEquals(raw, bytes(target, 0, raw.length));
  }
}
