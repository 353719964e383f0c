package io.weightcast.perf.micro;

import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.Codec;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ChunkCodec} on one core, per 8 MiB chunk (ops/s x 8 MiB = raw bytes/s), cycling over the
 * 8 chunks of the sample:
 *
 * <ul>
 *   <li>{@link #compress}: {@code encode} at the level of {@code input}; for random bytes this is
 *       the raw fallback (a zstd attempt that saves under 2%, then a copy);
 *   <li>{@link #decompress}: {@code decode} of what {@code encode} produced (for random bytes, a
 *       RAW copy) into a direct buffer.
 * </ul>
 *
 * Reference in micro.sh: {@code zstd -LEVEL -T1} and {@code zstd -d} on the same 64 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class CodecBenchmark {
  @Param({"bf16/1", "bf16/3", "random/1"})
  public String input;

  private ByteBuffer data;
  private MicroData.Encoded[] encoded;
  private ChunkCodec codec;
  private ByteBuffer out;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    data = MicroData.bytes(MicroData.kind(input));
    codec = new ChunkCodec(MicroData.level(input));
    encoded = MicroData.encodeAll(data, MicroData.level(input));
    out = ByteBuffer.allocateDirect(ChunkCodec.maxEncodedLength(MicroData.CHUNK));
  }

  @Benchmark
  public Codec compress() {
    int i = next++ & (MicroData.CHUNKS - 1);
    return codec.encode(MicroData.chunk(data, i), out.clear());
  }

  @Benchmark
  public ByteBuffer decompress() {
    int i = next++ & (MicroData.CHUNKS - 1);
    MicroData.Encoded e = encoded[i];
    ChunkCodec.decode(e.codec(), e.bytes().duplicate(), out.clear(), MicroData.CHUNK);
    return out;
  }
}
