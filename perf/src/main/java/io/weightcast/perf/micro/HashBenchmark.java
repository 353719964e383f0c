package io.weightcast.perf.micro;

import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hashing on one core, per 8 MiB chunk of synthetic bf16 weights (ops/s x 8 MiB = bytes/s):
 *
 * <ul>
 *   <li>{@link #sha256}: {@link Digest#sha256(ByteBuffer)} of one in-memory chunk (direct buffer);
 *   <li>{@link #chunkAndHash}: {@link Chunker#chunkFile} over the 64 MiB sample file, in page
 *       cache: read + file SHA-256 + chunk SHA-256, as {@code push} and ingest do. One invocation
 *       is 8 chunks, counted as 8 operations.
 * </ul>
 *
 * Reference in micro.sh: {@code sha256sum} (and {@code openssl dgst -sha256}) on the same file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class HashBenchmark {
  private ByteBuffer data;
  private Path dir;
  private Path file;
  private final Chunker chunker = new Chunker(MicroData.CHUNK);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    data = MicroData.bytes("bf16");
    dir = MicroData.tempDir("wc-micro-hash");
    file = dir.resolve("model.safetensors");
    MicroData.writeFile(data, file);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    MicroData.deleteTree(dir);
  }

  @Benchmark
  public Digest sha256() {
    int i = next++ & (MicroData.CHUNKS - 1);
    return Digest.sha256(MicroData.chunk(data, i));
  }

  @Benchmark
  @OperationsPerInvocation(MicroData.CHUNKS)
  public FileEntry chunkAndHash() {
    return chunker.chunkFile("model.safetensors", file, n -> { });
  }
}
