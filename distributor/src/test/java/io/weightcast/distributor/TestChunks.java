package io.weightcast.distributor;

import io.vertx.core.buffer.Buffer;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import java.nio.ByteBuffer;
import java.util.Random;

/** Chunk contents for tests: zeros, bf16-like weights (compressible), random (incompressible). */
public final class TestChunks {
  private TestChunks() {}

  public static byte[] zeros(int length) {
    return new byte[length];
  }

  /** Little-endian bf16 values of N(0, 0.02): similar high bytes, noisy low bytes. */
  public static byte[] bf16Like(int length, long seed) {
    Random random = new Random(seed);
    byte[] out = new byte[length];
    for (int i = 0; i + 1 < length; i += 2) {
      int bits = Float.floatToIntBits((float) (random.nextGaussian() * 0.02)) >>> 16;
      out[i] = (byte) bits;
      out[i + 1] = (byte) (bits >>> 8);
    }
    return out;
  }

  /** Little-endian fp32 values of N(0, 0.02) ({@code length} rounded down to 4 bytes each). */
  public static byte[] fp32Like(int length, long seed) {
    Random random = new Random(seed);
    ByteBuffer out = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    while (out.remaining() >= 4) {
      out.putFloat((float) (random.nextGaussian() * 0.02));
    }
    return out.array();
  }

  public static byte[] random(int length, long seed) {
    byte[] out = new byte[length];
    new Random(seed).nextBytes(out);
    return out;
  }

  /** Decodes a frame as a client would: direct buffers, exact raw length. */
  public static byte[] decode(Codec codec, Buffer frame, int rawLength) {
    ByteBuffer encoded = ByteBuffer.allocateDirect(frame.length()).put(frame.getBytes()).flip();
    ByteBuffer target = ByteBuffer.allocateDirect(rawLength);
    ChunkCodec.decode(codec, encoded, target, rawLength);
    byte[] out = new byte[rawLength];
    target.get(0, out);
    return out;
  }
}
