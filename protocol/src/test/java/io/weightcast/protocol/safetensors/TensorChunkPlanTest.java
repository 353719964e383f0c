package io.weightcast.protocol.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.safetensors.SafetensorsLayout.Tensors;
import io.weightcast.protocol.synthetic.SyntheticCheckpoint;
import io.weightcast.protocol.synthetic.SyntheticCheckpoint.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorChunkPlanTest {
  private static final long C = 64 * 1024;

  @TempDir
  Path dir;

  @Test
  void largeTensorsOwnTheirChunksAndSmallOnesArePacked() {
    // header [0,100); tensors: 200 KiB (large), 3 x 4 KiB (small), 20 KiB (large: >= C/4).
    long s = 100;
    List<Tensor> t = new ArrayList<>();
    long at = s;
    for (long len : new long[] {200 * 1024, 4096, 4096, 4096, 20 * 1024}) {
      t.add(new Tensor(nonAnchor(t.size()), Dtype.U8, List.of(len), at, at + len));
      at += len;
    }
    List<Long> ends = TensorChunkPlan.ends(new Tensors(at, s, t, Map.of()), C);
    long big = s + 200 * 1024;
    assertEquals(List.of(s, s + C, s + 2 * C, s + 3 * C, big, big + 3 * 4096, at), ends);
  }

  @Test
  void packsNeverExceedTheChunkSize() {
    List<Tensor> t = new ArrayList<>();
    long at = 8;
    for (int i = 0; i < 100; i++) {
      long len = 1000 + i * 97;
      t.add(new Tensor("t" + i, Dtype.U8, List.of(len), at, at + len));
      at += len;
    }
    List<Long> ends = TensorChunkPlan.ends(new Tensors(at, 8, t, Map.of()), C);
    long prev = 0;
    for (long e : ends) {
      assertTrue(e - prev > 0 && e - prev <= C, "chunk of " + (e - prev));
      prev = e;
    }
    assertEquals(at, prev);
  }

  @Test
  void fineTuneOfTenPercentOfTensorsSharesAboutNinetyPercentOfChunkBytes() throws Exception {
    List<Spec> v1 = SyntheticCheckpoint.base(40, 1024, 1);
    List<Spec> v2 = SyntheticCheckpoint.fineTune(v1);
    Path f1 = dir.resolve("v1.safetensors");
    Path f2 = dir.resolve("v2.safetensors");
    SyntheticCheckpoint.write(f1, v1);
    SyntheticCheckpoint.write(f2, v2);
    long unchanged = 0;
    for (Spec s : v2) {
      unchanged += v1.contains(s) ? s.bytes() : 0;
    }
    double expected = (double) unchanged / Files.size(f2);

    double tensorAware = shared(new Chunker(C), f1, f2);
    double fixed = shared(new Chunker(C, Chunker.Mode.FIXED), f1, f2);
    assertTrue(expected > 0.85 && expected < 0.95, "unchanged tensors hold " + expected);
    assertTrue(tensorAware >= expected - 0.02, "tensor-aware shares " + tensorAware
        + " of v2's bytes with v1; unchanged tensors hold " + expected);
    assertTrue(fixed < 0.5, "fixed-offset chunks share " + fixed + " (resizes shift them)");
  }

  @Test
  void chunkerKeepsFixedOffsetsAndNotesWhyWhenTheHeaderLies() throws Exception {
    Path f = dir.resolve("bad.safetensors");
    byte[] data = new byte[200_000];
    data[0] = (byte) 0xFF; // header length far beyond the file
    data[5] = 1;
    Files.write(f, data);
    List<String> notes = new ArrayList<>();
    FileEntry e = new Chunker(C).chunkFile("bad.safetensors", f, n -> { }, notes::add);
    assertEquals(List.of(0L, C, 2 * C, 3 * C), e.chunks().stream().map(ChunkSpec::offset)
        .toList());
    assertEquals(Digest.sha256(data), e.digest());
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("opaque because header length"), notes.get(0));
  }

  @Test
  void tensorAwareChunksTileTheFileAndPassManifestValidation() throws Exception {
    Path f = dir.resolve("m.safetensors");
    SyntheticCheckpoint.write(f, SyntheticCheckpoint.base(7, 512, 3));
    assertInstanceOf(Tensors.class, SafetensorsParser.read(f));
    FileEntry e = new Chunker(C).chunkFile("m.safetensors", f, n -> { });
    Manifest m = new Manifest("m", "v1", C, List.of(e));
    assertEquals(Files.size(f), m.totalBytes());
    assertEquals(Digest.sha256(Files.readAllBytes(f)), e.digest());
  }

  @Test
  void aRunOfSmallTensorsResynchronisesAtTheNextAnchorAfterAResize() {
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sizes.add(3000L + (i * 7919L) % 9000);
    }
    List<Long> before = TensorChunkPlan.ends(small(sizes), C);
    sizes.set(5, sizes.get(5) + 2); // one early tensor grows by one BF16 value
    List<Long> after = TensorChunkPlan.ends(small(sizes), C);
    Set<Long> shifted = new HashSet<>();
    before.forEach(e -> shifted.add(e + 2));
    long kept = after.stream().filter(shifted::contains).count();
    assertTrue(kept >= after.size() - 3, kept + " of " + after.size() + " boundaries kept");
  }

  /** Small tensors named t0, t1, ... laid out back to back after an 8-byte "header". */
  private static Tensors small(List<Long> sizes) {
    List<Tensor> t = new ArrayList<>();
    long at = 8;
    for (long len : sizes) {
      t.add(new Tensor("t" + t.size(), Dtype.U8, List.of(len), at, at + len));
      at += len;
    }
    return new Tensors(at, 8, t, Map.of());
  }

  private static String nonAnchor(int i) {
    for (int k = 0; ; k++) {
      String name = "t" + i + "." + k;
      if (!TensorChunkPlan.isAnchor(name)) {
        return name;
      }
    }
  }

  /** Fraction of v2's bytes in chunks whose digest is also a chunk of v1. */
  private static double shared(Chunker chunker, Path f1, Path f2) {
    Set<Digest> old = new HashSet<>();
    chunker.chunkFile("m.safetensors", f1, n -> { }).chunks().forEach(c -> old.add(c.digest()));
    FileEntry e2 = chunker.chunkFile("m.safetensors", f2, n -> { });
    long sharedBytes = e2.chunks().stream().filter(c -> old.contains(c.digest()))
        .mapToLong(ChunkSpec::length).sum();
    return (double) sharedBytes / e2.size();
  }
}
