package io.weightcast.perf.micro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The disk half of the agent's path alone, per 8 MiB chunk: a positional write of already
 * verified bytes, then {@code FileChannel.force(false)} (fdatasync), overwriting the blocks of a
 * 64 MiB file written once at setup. Reference in micro.sh: {@code dd bs=8M oflag=dsync
 * conv=notrunc} over the same bytes onto an existing file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class DiskWriteBenchmark {
  private ByteBuffer data;
  private Path dir;
  private FileChannel channel;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = MicroData.bytes("bf16");
    dir = MicroData.tempDir("wc-micro-disk");
    Path file = dir.resolve("target.bin");
    MicroData.writeFile(data, file);
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.close();
    MicroData.deleteTree(dir);
  }

  @Benchmark
  public long pwriteSync() throws IOException {
    int i = next++ & (MicroData.CHUNKS - 1);
    ByteBuffer chunk = MicroData.chunk(data, i);
    long position = (long) i * MicroData.CHUNK;
    while (chunk.hasRemaining()) {
      position += channel.write(chunk, position);
    }
    channel.force(false);
    return position;
  }
}
