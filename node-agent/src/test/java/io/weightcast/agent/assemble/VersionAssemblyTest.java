package io.weightcast.agent.assemble;

import static io.weightcast.agent.assemble.AssemblyFixture.MODEL;
import static io.weightcast.agent.assemble.AssemblyFixture.assertSameTree;
import static io.weightcast.agent.assemble.AssemblyFixture.encode;
import static io.weightcast.agent.assemble.AssemblyFixture.locations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidTransition;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionAssemblyTest {
  @TempDir Path tmp;
  private Path source;
  private Path data;
  private DataLayout layout;
  private Manifest manifest;

  @BeforeEach
  void setUp() throws IOException {
    source = AssemblyFixture.sourceTree(tmp.resolve("src"), 42);
    data = tmp.resolve("data");
    layout = new DataLayout(data);
    manifest = AssemblyFixture.manifest(source, "v1");
  }

  @Test
  void assemblesMultiFileManifestWrittenInRandomOrderFromSeveralThreads() throws Exception {
    List<ChunkLocation> order = new ArrayList<>(locations(manifest));
    Collections.shuffle(order, new Random(7));
    assertTrue(order.stream().map(at -> encode(source, at).codec()).distinct().count() == 2,
        "the tree should yield both raw and zstd chunks");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      List<Future<Boolean>> writes = new ArrayList<>();
      for (ChunkLocation at : order) {
        AssemblyFixture.Encoded chunk = encode(source, at);
        writes.add(pool.submit(() -> assembly.writeChunk(at, chunk.codec(), chunk.bytes())));
      }
      for (Future<Boolean> w : writes) {
        assertTrue(w.get());
      }
      assertTrue(assembly.isComplete());
      assertEquals(manifest.totalBytes(), assembly.doneBytes());
      assertFalse(Files.exists(layout.versionDir(MODEL, "v1")), "nothing published before finish");
      Path published = assembly.finish(true);
      assertEquals(layout.versionDir(MODEL, "v1"), published);
      assertTrue(assembly.isPublished());
    } finally {
      pool.shutdownNow();
    }
    assertSameTree(source, layout.versionDir(MODEL, "v1"));
    assertFalse(Files.exists(layout.stagingDir(MODEL, "v1")));
    assertFalse(Files.exists(layout.journal(MODEL, "v1")));
  }

  @Test
  void preallocatesEveryFileAtFullSizeOnOpen() throws IOException {
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      for (var file : manifest.files()) {
        assertEquals(file.size(), Files.size(layout.stagingDir(MODEL, "v1").resolve(file.path())));
      }
      assertEquals(manifest.chunkCount(), assembly.missingChunks().size());
      assertFalse(Files.exists(layout.modelsDir()));
    }
  }

  @Test
  void corruptChunkFailsWithDigestMismatchIsNotJournaledAndCanBeRewritten() throws IOException {
    ChunkLocation raw = firstWith(Codec.RAW);
    ChunkLocation zstd = firstWith(Codec.ZSTD);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      for (ChunkLocation at : List.of(raw, zstd)) {
        AssemblyFixture.Encoded bad = encode(source, at).corrupted();
        assertThrows(DigestMismatch.class, () -> assembly.writeChunk(at, bad.codec(), bad.bytes()));
        assertFalse(assembly.isDone(at.fileIndex(), at.chunk().index()));
      }
      assertEquals(0, assembly.doneChunks());
    }
    assertEquals(0, AssemblyJournal.read(layout.journal(MODEL, "v1")).records().length);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertEquals(0, assembly.doneChunks());
      AssemblyFixture.Encoded good = encode(source, raw);
      assertTrue(assembly.writeChunk(raw.file(), raw.chunk(), good.codec(), good.bytes()));
      assertFalse(assembly.writeChunk(raw, good.codec(), good.bytes()), "already done: no-op");
      assertEquals(1, assembly.doneChunks());
    }
  }

  @Test
  void resumesAfterCrashWithOnlyUnjournaledChunksMissing() throws IOException {
    List<ChunkLocation> all = locations(manifest);
    List<ChunkLocation> firstHalf = all.subList(0, all.size() / 2);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, firstHalf);
    }
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertEquals(all.subList(all.size() / 2, all.size()), assembly.missingChunks());
      writeAll(assembly, assembly.missingChunks());
      assembly.finish();
    }
    assertSameTree(source, layout.versionDir(MODEL, "v1"));
  }

  @Test
  void aCrashBeforeTheGroupCommitLosesOnlyUncommittedChunksFromTheJournal() throws IOException {
    List<ChunkLocation> all = locations(manifest);
    assertTrue(all.size() >= 5, "the tree should have at least 5 chunks, has " + all.size());
    long threeChunks = all.subList(0, 3).stream().mapToLong(at -> at.chunk().length()).sum();
    AssemblyConfig config = AssemblyConfig.DEFAULTS.withGroupCommit(threeChunks, 3_600_000);
    Path journal = layout.journal(MODEL, "v1");
    Path crashed = tmp.resolve("crashed");
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest, config)) {
      writeAll(assembly, all.subList(0, 2));
      assertEquals(2, assembly.uncommittedChunks());
      assertEquals(0, AssemblyJournal.read(journal).records().length,
          "nothing is journaled before its group commit");
      writeAll(assembly, all.subList(2, 4));
      assertEquals(1, assembly.uncommittedChunks(), "the third chunk committed the first three");
      assertEquals(3, AssemblyJournal.read(journal).records().length);
      // kill -9 now: the disk holds the journal of three chunks and the bytes of four.
      copyTree(data, crashed);
    }
    try (VersionAssembly resumed = VersionAssembly.open(crashed, manifest, config)) {
      assertEquals(all.subList(3, all.size()), resumed.missingChunks(),
          "the written but uncommitted fourth chunk is fetched again");
      writeAll(resumed, resumed.missingChunks());
      resumed.finish();
    }
    assertSameTree(source, new DataLayout(crashed).versionDir(MODEL, "v1"));
  }

  @Test
  void closingCommitsTheUncommittedChunks() throws IOException {
    List<ChunkLocation> all = locations(manifest);
    AssemblyConfig config = AssemblyConfig.DEFAULTS.withGroupCommit(Long.MAX_VALUE, 3_600_000);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest, config)) {
      writeAll(assembly, all.subList(0, 2));
      assertEquals(2, assembly.uncommittedChunks());
    }
    assertEquals(2, AssemblyJournal.read(layout.journal(MODEL, "v1")).records().length);
    try (VersionAssembly resumed = VersionAssembly.open(data, manifest, config)) {
      assertEquals(all.subList(2, all.size()), resumed.missingChunks());
    }
  }

  @Test
  void ignoresTornLastJournalRecord() throws IOException {
    List<ChunkLocation> all = locations(manifest);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, all.subList(0, 4));
    }
    Path journal = layout.journal(MODEL, "v1");
    try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "rw")) {
      raf.setLength(raf.length() - 5);
    }
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertEquals(3, assembly.doneChunks());
      assertEquals(all.get(3), assembly.missingChunks().get(0));
      writeAll(assembly, List.of(all.get(3), all.get(4)));
    }
    AssemblyJournal.Replay replay = AssemblyJournal.read(journal);
    assertEquals(5, replay.records().length, "appends resume after the cut tail");
    assertFalse(replay.tornTail());
  }

  @Test
  void startsOverWhenJournalBelongsToAnotherManifest() throws IOException {
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, locations(manifest).subList(0, 3));
    }
    Path otherSource = AssemblyFixture.sourceTree(tmp.resolve("other"), 43);
    Files.delete(otherSource.resolve("copy.safetensors"));
    Manifest other = AssemblyFixture.manifest(otherSource, "v1");
    try (VersionAssembly assembly = VersionAssembly.open(data, other)) {
      assertEquals(0, assembly.doneChunks());
      assertFalse(Files.exists(layout.stagingDir(MODEL, "v1").resolve("copy.safetensors")));
      writeAll(otherSource, assembly, assembly.missingChunks());
      assembly.finish(true);
    }
    assertSameTree(otherSource, layout.versionDir(MODEL, "v1"));
  }

  @Test
  void finishWithVerifyFilesDetectsFileCorruptedBehindOurBack() throws IOException {
    ChunkLocation victim = locations(manifest).get(2);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, locations(manifest));
      corrupt(layout.stagingDir(MODEL, "v1").resolve(victim.file().path()), victim);
      assertThrows(DigestMismatch.class, () -> assembly.finish(true));
      assertFalse(Files.exists(layout.versionDir(MODEL, "v1")));
      assertEquals(List.of(victim), assembly.missingChunks());
      writeAll(assembly, List.of(victim));
      assembly.finish(true);
    }
    assertSameTree(source, layout.versionDir(MODEL, "v1"));
  }

  @Test
  void reverifyOnOpenMarksDamagedDoneChunksMissing() throws IOException {
    ChunkLocation victim = locations(manifest).get(1);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, locations(manifest));
    }
    corrupt(layout.stagingDir(MODEL, "v1").resolve(victim.file().path()), victim);
    AssemblyConfig reverify = AssemblyConfig.DEFAULTS.withReverifyOnOpen(true);
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest, reverify)) {
      assertEquals(List.of(victim), assembly.missingChunks());
    }
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertEquals(List.of(victim), assembly.missingChunks(), "the journal was rewritten");
    }
  }

  @Test
  void refusesToFinishWhileChunksAreMissing() throws IOException {
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, locations(manifest).subList(1, manifest.chunkCount()));
      assertThrows(InvalidTransition.class, assembly::finish);
    }
    assertFalse(Files.exists(layout.versionDir(MODEL, "v1")));
  }

  @Test
  void reportsAnAlreadyPublishedVersionAsComplete() throws IOException {
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      writeAll(assembly, locations(manifest));
      assembly.finish();
    }
    try (VersionAssembly assembly = VersionAssembly.open(data, manifest)) {
      assertTrue(assembly.isPublished());
      assertTrue(assembly.isComplete());
      assertEquals(List.of(), assembly.missingChunks());
      ChunkLocation at = locations(manifest).get(0);
      AssemblyFixture.Encoded chunk = encode(source, at);
      assertThrows(InvalidTransition.class,
          () -> assembly.writeChunk(at, chunk.codec(), chunk.bytes()));
      assertEquals(layout.versionDir(MODEL, "v1"), assembly.finish());
    }
    assertFalse(Files.exists(layout.stagingDir(MODEL, "v1")));
  }

  @Test
  void assemblesFilesWithNonAsciiNames() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("unicode/mod\u00e8le"));
    Files.write(src.resolve("\u6743\u91cd.bin"), AssemblyFixture.random(new Random(3), 70_000));
    Manifest m = AssemblyFixture.manifest(tmp.resolve("unicode"), "v1");
    try (VersionAssembly assembly = VersionAssembly.open(data, m)) {
      writeAll(tmp.resolve("unicode"), assembly, locations(m));
      assembly.finish(true);
    }
    assertSameTree(tmp.resolve("unicode"), layout.versionDir(MODEL, "v1"));
  }

  private void writeAll(VersionAssembly assembly, List<ChunkLocation> chunks) throws IOException {
    writeAll(source, assembly, chunks);
  }

  private static void writeAll(Path from, VersionAssembly assembly, List<ChunkLocation> chunks)
      throws IOException {
    for (ChunkLocation at : chunks) {
      AssemblyFixture.Encoded chunk = encode(from, at);
      assertTrue(assembly.writeChunk(at, chunk.codec(), chunk.bytes()), "wrote " + at);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private ChunkLocation firstWith(Codec codec) {
    return locations(manifest).stream().filter(at -> encode(source, at).codec() == codec)
        .findFirst().orElseThrow();
  }

  private static void corrupt(Path file, ChunkLocation at) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long pos = at.chunk().offset() + at.chunk().length() / 2;
      raf.seek(pos);
      int b = raf.read();
      raf.seek(pos);
      raf.write(b ^ 0xFF);
    }
  }
}
