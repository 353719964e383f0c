package io.weightcast.protocol.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import io.weightcast.protocol.failure.DigestMismatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes a chunk once (at ingest) and decodes it wherever it lands (protocol/README.md, "Chunk
 * codec"). Thread-safe: every zstd call uses its own context, and the scratch buffers (shuffled
 * planes, candidate frames) are per thread ({@link CodecScratch}), so independent chunks encode
 * and decode in parallel on any pool.
 *
 * <p>Rule: try the candidates (zstd, and zstd over 2 and 4 byte planes unless an
 * {@link ElementWidth} hint narrows them), in the order zstd, shuffle2, shuffle4. The first frame
 * is kept; a later candidate {@code c} of length {@code Z_c} replaces the kept {@code k} only if
 * (see {@link #replaces})
 *
 * <pre>
 *   Z_c <= Z_k - floor(R * margin(c, k)),   margin = PLANE_MIN_SAVING  if c has planes, k not
 *                                            margin = TIE_MARGIN        otherwise
 * </pre>
 *
 * for raw length {@code R}: keep the smallest, unless it decodes too slowly for what it saves. A
 * plane codec costs up to one extra un-shuffle pass per decode, {@code R / U} with
 * {@code U = 2.5 GB/s} (measured, one core, CPU time, 2 and 4 planes: 2.5-2.8 GB/s), which is all
 * of it when the planes do not make zstd's own decode faster: on half random, half zero data the
 * planes saved 0.3% of R and made decode + verify 36% slower (846 vs 1153 MB/s). On weights the
 * planes decode faster than plain zstd and save 6-10% of R. The threshold prices the pass in wire
 * time at the reference rate of one decoding core's share of a 1 Gbit/s link,
 * {@code B = 125 MB/s}: {@code PLANE_MIN_SAVING = B / U = 125 MB/s / 2.5 GB/s = 5%} of R takes as
 * long to send as the un-shuffle takes to run. Between two plane codecs (same pass) and for plain
 * zstd, {@link #TIE_MARGIN} keeps frames within noise of each other (bf16 through 2 or 4 planes
 * differ by ~0.01%) on the simpler, narrower codec. Finally the kept frame is stored only if
 * {@code Z <= floor(R * (1 - MIN_SAVING))}; otherwise the chunk is stored raw.
 */
public final class ChunkCodec {
  public static final double MIN_SAVING = 0.02;
  public static final int DEFAULT_LEVEL = 1;
  /** Fraction of the raw length a later candidate must save over the kept one to replace it. */
  public static final double TIE_MARGIN = 0.002;
  /**
   * Fraction of the raw length a plane codec must save over a kept plain zstd frame, to pay for
   * its un-shuffle pass: {@code B / U = 125 MB/s / 2.5 GB/s} (class comment).
   */
  public static final double PLANE_MIN_SAVING = 0.05;
  /** Chunks shorter than this are not worth shuffling (too few elements per plane). */
  static final int MIN_SHUFFLE_LENGTH = 64;
  /** Plane codecs at levels up to this use {@link #compressPlanes}'s tuned parameters. */
  static final int PLANE_TUNED_MAX_LEVEL = 2;
  /** ZSTD_dfast. */
  static final int PLANE_STRATEGY_DFAST = 2;
  static final int PLANE_MIN_MATCH = 7;

  private final int level;

  public ChunkCodec(int level) {
    if (level < -7 || level > 22) {
      throw new IllegalArgumentException("zstd level must be in [-7, 22], got " + level);
    }
    this.level = level;
  }

  public ChunkCodec() {
    this(DEFAULT_LEVEL);
  }

  /** Upper bound of the encoded size of {@code rawLength} bytes (size the output buffer with it). */
  public static int maxEncodedLength(int rawLength) {
    return (int) Zstd.compressBound(rawLength);
  }

  /** {@link #encode(ByteBuffer, ByteBuffer, ElementWidth)} without a hint: every candidate. */
  public Codec encode(ByteBuffer raw, ByteBuffer out) {
    return choose(raw, out, ElementWidth.ALL);
  }

  /**
   * Encodes {@code raw} (its remaining bytes, direct buffer) into {@code out} (direct, at least
   * {@link #maxEncodedLength} remaining), trying only the candidates for values of width
   * {@code hint}. Returns the codec chosen; {@code out} holds the encoded bytes between its
   * position and limit on return; {@code raw}'s position is unchanged. Neither buffer's content is
   * retained.
   */
  public Codec encode(ByteBuffer raw, ByteBuffer out, ElementWidth hint) {
    return choose(raw, out, hint.candidates());
  }

  /**
   * Encodes {@code raw} with exactly {@code codec}, whatever its size (tests, benchmarks). Same
   * buffer contract as {@link #encode(ByteBuffer, ByteBuffer)}.
   */
  public void encodeAs(Codec codec, ByteBuffer raw, ByteBuffer out) {
    int outStart = out.position();
    if (codec == Codec.RAW) {
      out.put(raw.duplicate());
      out.flip().position(outStart);
      return;
    }
    int n = compress(codec, raw, out, outStart, CodecScratch.planes(raw.remaining()));
    out.limit(outStart + n);
  }

  private Codec choose(ByteBuffer raw, ByteBuffer out, List<Codec> candidates) {
    int rawLength = raw.remaining();
    int outStart = out.position();
    Codec best = Codec.RAW;
    int bestLength = rawLength;
    for (Codec c : candidates) {
      if (c != Codec.ZSTD && rawLength < MIN_SHUFFLE_LENGTH) {
        continue;
      }
      if (best == Codec.RAW) {
        // Nothing kept yet: compress straight into the output.
        bestLength = compress(c, raw, out, outStart, null);
        best = c;
        continue;
      }
      ByteBuffer frame = CodecScratch.frame(maxEncodedLength(rawLength));
      int n = compress(c, raw, frame, 0, null);
      if (replaces(c, n, best, bestLength, rawLength)) {
        out.put(outStart, frame, 0, n);
        best = c;
        bestLength = n;
      }
    }
    if (best != Codec.RAW && bestLength <= (long) (rawLength * (1 - MIN_SAVING))) {
      out.limit(outStart + bestLength);
      return best;
    }
    out.put(raw.duplicate());
    out.flip().position(outStart);
    return Codec.RAW;
  }

  /**
   * Whether candidate {@code c}, {@code length} bytes, replaces the kept frame of codec
   * {@code kept}, {@code keptLength} bytes, for a chunk of {@code rawLength} bytes (class comment).
   */
  static boolean replaces(Codec c, int length, Codec kept, int keptLength, int rawLength) {
    double margin = c.planes() > 1 && kept.planes() <= 1 ? PLANE_MIN_SAVING : TIE_MARGIN;
    return length < keptLength && length <= keptLength - (long) (rawLength * margin);
  }

  /**
   * Byte planes at the fast levels: the high (exponent) plane is mostly literals, and the fast
   * strategy's short matches (4-6 bytes) chop that literal stream into many sequences. The double
   * fast strategy with a minimum match of {@link #PLANE_MIN_MATCH} bytes keeps only long matches:
   * measured on real weights (perf/README.md) bf16 1.444x -> 1.451x, fp16 1.258x -> 1.265x. The
   * frame is ordinary zstd; decoders need nothing new. One context per call (contexts are not
   * thread-safe and hold native memory; creating one is small next to compressing a chunk).
   */
  private int compressPlanes(ByteBuffer out, int at, ByteBuffer src, int srcAt, int rawLength) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(level).setStrategy(PLANE_STRATEGY_DFAST).setMinMatch(PLANE_MIN_MATCH);
      return ctx.compressDirectByteBuffer(out, at, out.limit() - at, src, srcAt, rawLength);
    }
  }

  /**
   * One zstd frame of {@code raw} (shuffled first for a plane codec, through {@code planes} or
   * this thread's scratch) written at {@code out[at]}; returns its length.
   */
  private int compress(Codec codec, ByteBuffer raw, ByteBuffer out, int at, ByteBuffer planes) {
    int rawLength = raw.remaining();
    ByteBuffer src = raw;
    int srcAt = raw.position();
    if (codec.planes() > 1) {
      src = planes != null ? planes : CodecScratch.planes(rawLength);
      ByteShuffle.shuffle(raw, raw.position(), src, 0, rawLength, codec.planes());
      srcAt = 0;
    }
    long n;
    try {
      n = codec.planes() > 1 && level <= PLANE_TUNED_MAX_LEVEL
          ? compressPlanes(out, at, src, srcAt, rawLength)
          : Zstd.compressDirectByteBuffer(out, at, out.limit() - at, src, srcAt, rawLength, level);
    } catch (ZstdException e) {
      throw new IllegalStateException("zstd compression failed: " + e.getMessage(), e);
    }
    if (Zstd.isError(n)) {
      throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
    }
    return (int) n;
  }

  /**
   * Decodes {@code encoded} (remaining bytes) into {@code target} at its position, writing exactly
   * {@code rawLength} bytes; neither buffer's position moves. Plane codecs decompress into this
   * thread's scratch buffer and un-shuffle from there into the target (one pass, no other copy).
   * Fails with {@link DigestMismatch} (the bytes are wrong, refetch them) when the frame is
   * malformed, truncated, or decodes to another length. Frames carry no zstd checksum: a frame
   * with flipped payload bits may decode to wrong bytes of the right length, so the receiver must
   * always check the chunk's SHA-256 after decoding (every receiver does). Both buffers must be
   * direct for zstd; the target may be a mapped file window.
   */
  public static void decode(Codec codec, ByteBuffer encoded, ByteBuffer target, int rawLength) {
    decode(codec, encoded, target, rawLength, null);
  }

  /**
   * {@link #decode(Codec, ByteBuffer, ByteBuffer, int)} with a caller-owned direct
   * {@code scratch} of at least {@code rawLength} bytes for the planes ({@code null}: this
   * thread's own).
   */
  public static void decode(Codec codec, ByteBuffer encoded, ByteBuffer target, int rawLength,
      ByteBuffer scratch) {
    if (target.remaining() < rawLength) {
      throw new IllegalArgumentException("target has " + target.remaining() + " bytes, needs "
          + rawLength);
    }
    switch (codec) {
      case RAW -> {
        if (encoded.remaining() != rawLength) {
          throw new DigestMismatch("raw chunk is " + encoded.remaining() + " bytes, expected "
              + rawLength);
        }
        target.put(target.position(), encoded, encoded.position(), rawLength);
      }
      case ZSTD -> decompress(encoded, target, target.position(), rawLength);
      case ZSTD_SHUFFLE2, ZSTD_SHUFFLE4 -> {
        if (scratch != null && scratch.capacity() < rawLength) {
          throw new IllegalArgumentException("scratch has " + scratch.capacity()
              + " bytes, needs " + rawLength);
        }
        ByteBuffer planes = scratch != null ? scratch : CodecScratch.planes(rawLength);
        decompress(encoded, planes, 0, rawLength);
        ByteShuffle.unshuffle(planes, 0, target, target.position(), rawLength, codec.planes());
      }
    }
  }

  /** One-shot decompression of a whole frame to exactly {@code rawLength} bytes at {@code into[at]}. */
  static void decompress(ByteBuffer encoded, ByteBuffer into, int at, int rawLength) {
    long n;
    try {
      n = Zstd.decompressDirectByteBuffer(into, at, rawLength, encoded, encoded.position(),
          encoded.remaining());
    } catch (ZstdException e) {
      throw new DigestMismatch("zstd frame does not decode: " + e.getMessage(), e);
    }
    if (Zstd.isError(n)) {
      throw new DigestMismatch("zstd frame does not decode: " + Zstd.getErrorName(n));
    }
    if (n != rawLength) {
      throw new DigestMismatch("zstd frame decodes to " + n + " bytes, expected " + rawLength);
    }
  }
}
