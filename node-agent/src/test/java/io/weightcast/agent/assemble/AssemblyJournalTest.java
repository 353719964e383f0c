package io.weightcast.agent.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Digest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssemblyJournalTest {
  private static final Digest MANIFEST = Digest.sha256(AssemblyFixture.bytes("manifest"));

  @TempDir Path tmp;

  @Test
  void groupCommitsConcurrentAppendsAndReplaysEveryOne() throws Exception {
    Path path = tmp.resolve(".v1.journal");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (AssemblyJournal journal = AssemblyJournal.create(path, MANIFEST, new long[0])) {
      List<Future<?>> appends = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int file = t;
        appends.add(pool.submit(() -> {
          for (int c = 0; c < 100; c++) {
            journal.append(file, c);
          }
          return null;
        }));
      }
      for (Future<?> f : appends) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    AssemblyJournal.Replay replay = AssemblyJournal.read(path);
    assertTrue(replay.belongsTo(MANIFEST));
    long[] records = replay.records().clone();
    Arrays.sort(records);
    long[] expected = new long[800];
    for (int i = 0; i < 800; i++) {
      expected[i] = ((long) (i / 100) << 32) | (i % 100);
    }
    assertArrayEquals(expected, records);
  }

  @Test
  void stopsAtTheFirstDamagedRecordAndResumesAfterTheLastGoodOne() throws IOException {
    Path path = tmp.resolve(".v1.journal");
    AssemblyJournal.create(path, MANIFEST, new long[] {1, 2, 3, 4}).close();
    try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
      raf.seek(AssemblyJournal.HEADER_BYTES + 2L * AssemblyJournal.RECORD_BYTES + 7);
      raf.write(0x42);
    }
    AssemblyJournal.Replay replay = AssemblyJournal.read(path);
    assertArrayEquals(new long[] {1, 2}, replay.records());
    assertTrue(replay.tornTail());
    try (AssemblyJournal journal = AssemblyJournal.resume(path, replay.validLength())) {
      journal.append(0, 9);
    }
    assertArrayEquals(new long[] {1, 2, 9}, AssemblyJournal.read(path).records());
  }

  @Test
  void aJournalWithATornHeaderBelongsToNoManifest() throws IOException {
    Path path = tmp.resolve(".v1.journal");
    AssemblyJournal.create(path, MANIFEST, new long[] {1}).close();
    try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
      raf.setLength(AssemblyJournal.HEADER_BYTES - 1);
    }
    AssemblyJournal.Replay replay = AssemblyJournal.read(path);
    assertNull(replay.manifestDigest());
    assertEquals(0, replay.records().length);
  }
}
