package io.weightcast.perf.micro;

import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.assemble.VersionAssembly;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.codec.ChunkDecoder;
import io.weightcast.protocol.failure.DigestMismatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent's landing path on one core, per 8 MiB chunk (ops/s x 8 MiB = raw bytes/s), with
 * chunks encoded at the level of {@code input} as the distributor stores them:
 *
 * <ul>
 *   <li>{@link #writeChunk}: {@link VersionAssembly#writeChunk} into a preallocated staging file:
 *       decode into a per-thread direct buffer, SHA-256, positional write, fdatasync of the data,
 *       journal append + fdatasync of the journal. All of it is timed;
 *   <li>{@link #decodeVerify}: the CPU half of the same path (decode + SHA-256 + compare), as
 *       {@code StagedFiles.write} does it ({@link ChunkDecoder}: each decoded slice hashed while
 *       in cache), without any file;
 *   <li>{@link #decodeThenVerify}: the same in two passes (decode all 8 MiB, then hash them), the
 *       path before {@link ChunkDecoder}, kept as the in-run baseline of the fused one.
 * </ul>
 *
 * <p>A staged version holds 8 chunks. When all are written, the next invocation's setup (not
 * timed) closes it, deletes it and opens a fresh assembly of the same manifest, so every timed
 * write lands in freshly preallocated blocks, as on a real rollout.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class AgentWriteBenchmark {
  private static final String FILE = "model-00001-of-00001.safetensors";

  @Param({"bf16/1", "random/1"})
  public String input;

  private MicroData.Encoded[] encoded;
  private Manifest manifest;
  private ByteBuffer scratch;
  private int next;

  private Path root;
  private int round;
  private VersionAssembly assembly;
  private List<ChunkLocation> todo;
  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    ByteBuffer data = MicroData.bytes(MicroData.kind(input));
    encoded = MicroData.encodeAll(data, MicroData.level(input));
    root = MicroData.tempDir("wc-micro-agent");
    Path sample = root.resolve("sample.bin");
    MicroData.writeFile(data, sample);
    FileEntry entry = new Chunker(MicroData.CHUNK).chunkFile(FILE, sample, n -> { });
    manifest = new Manifest("micro", "v1", MicroData.CHUNK, List.of(entry));
    scratch = ByteBuffer.allocateDirect(MicroData.CHUNK);
  }

  /** Makes sure a chunk is left to write: reopens a fresh staged version when all 8 are done. */
  @Setup(Level.Invocation)
  public void nextChunk() throws IOException {
    if (todo != null && cursor < todo.size()) {
      return;
    }
    closeAssembly();
    Path dataDir = root.resolve("data-" + round++);
    assembly = VersionAssembly.open(dataDir, manifest);
    todo = assembly.missingChunks();
    cursor = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    closeAssembly();
    MicroData.deleteTree(root);
  }

  @Benchmark
  public boolean writeChunk() throws IOException {
    ChunkLocation at = todo.get(cursor++);
    MicroData.Encoded e = encoded[at.chunk().index()];
    return assembly.writeChunk(at, e.codec(), e.bytes().duplicate());
  }

  @Benchmark
  public Digest decodeVerify() {
    int i = next++ & (MicroData.CHUNKS - 1);
    MicroData.Encoded e = encoded[i];
    Digest actual = ChunkDecoder.decodeAndHash(e.codec(), e.bytes().duplicate(), scratch.clear(),
        MicroData.CHUNK);
    return checked(i, actual);
  }

  @Benchmark
  public Digest decodeThenVerify() {
    int i = next++ & (MicroData.CHUNKS - 1);
    MicroData.Encoded e = encoded[i];
    ByteBuffer decoded = scratch.clear();
    ChunkCodec.decode(e.codec(), e.bytes().duplicate(), decoded, MicroData.CHUNK);
    return checked(i, Digest.sha256(decoded));
  }

  private Digest checked(int i, Digest actual) {
    if (!actual.equals(manifest.files().get(0).chunks().get(i).digest())) {
      throw new DigestMismatch("chunk " + i + " decodes to " + actual.shortHex());
    }
    return actual;
  }

  private void closeAssembly() throws IOException {
    if (assembly != null) {
      assembly.close();
      assembly = null;
      MicroData.deleteTree(root.resolve("data-" + (round - 1)));
    }
  }
}
