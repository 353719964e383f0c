package io.weightcast.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFixtureTest {
  private static final long MIB = 1 << 20;
  private static final Pattern OFFSETS = Pattern.compile("\"data_offsets\":\\[(\\d+),(\\d+)\\]");

  @TempDir
  Path tmp;

  @Test
  void writesConfigAndShardsOfAboutTheAskedSize() throws Exception {
    List<Path> files = ModelFixture.write(tmp.resolve("m"), 5 * MIB, 1);
    assertEquals(List.of("config.json", "model-00001-of-00003.safetensors",
        "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"),
        files.stream().map(p -> p.getFileName().toString()).toList());
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    assertTrue(Math.abs(total - 5 * MIB) < 16 * 1024, "total " + total);
  }

  @Test
  void writesValidSafetensorsWithOddSizes() throws Exception {
    for (Path shard : ModelFixture.write(tmp.resolve("m"), 3 * MIB, 2)) {
      if (!shard.toString().endsWith(".safetensors")) {
        continue;
      }
      long size = Files.size(shard);
      assertEquals(1, size % 2, shard + " should have an odd size");
      try (FileChannel ch = FileChannel.open(shard)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(len, 0);
        long headerLength = len.flip().getLong();
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        ch.read(header, 8);
        String json = new String(header.array(), StandardCharsets.UTF_8);
        assertTrue(json.strip().startsWith("{") && json.strip().endsWith("}"), json);
        assertTrue(json.contains("\"dtype\":\"BF16\""));
        long expected = 0;
        Matcher m = OFFSETS.matcher(json);
        while (m.find()) {
          assertEquals(expected, Long.parseLong(m.group(1)), "tensors must be contiguous");
          expected = Long.parseLong(m.group(2));
        }
        assertEquals(size - 8 - headerLength, expected, "tensors must cover the data exactly");
      }
    }
  }

  @Test
  void isDeterministicPerSeed() throws Exception {
    List<Path> a = ModelFixture.write(tmp.resolve("a"), 300 * 1024, 7);
    List<Path> b = ModelFixture.write(tmp.resolve("b"), 300 * 1024, 7);
    List<Path> c = ModelFixture.write(tmp.resolve("c"), 300 * 1024, 8);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)));
    }
    assertTrue(Files.mismatch(a.get(1), c.get(1)) >= 0);
  }

  @Test
  void buildsAManifestWhoseLastChunksAreOddSized() {
    Path dir = tmp.resolve("m");
    ModelFixture.write(dir, 2 * MIB, 3);
    Manifest m = ModelFixture.manifestOf(dir, "fixture", "v1", 64 * 1024);
    assertEquals(4, m.files().size());
    for (FileEntry f : m.files()) {
      List<ChunkSpec> chunks = f.chunks();
      assertEquals(1, chunks.get(chunks.size() - 1).length() % 2, f.path());
    }
    assertEquals("fixture/v1", m.id());
  }

  @Test
  void writesASingleShardWhenSmall() {
    List<Path> files = ModelFixture.write(tmp.resolve("s"), 8192, 4);
    assertEquals("model-00001-of-00001.safetensors", files.get(1).getFileName().toString());
    assertEquals(2, files.size());
  }

  @Test
  void roundsFloatsToNearestBf16() {
    assertEquals((short) 0x3f80, ModelFixture.toBf16(1.0f));
    assertEquals((short) 0xbf80, ModelFixture.toBf16(-1.0f));
    assertEquals((short) 0x3f80, ModelFixture.toBf16(Float.intBitsToFloat(0x3f807fff)));
    assertEquals((short) 0x3f81, ModelFixture.toBf16(Float.intBitsToFloat(0x3f80c000)));
  }
}
