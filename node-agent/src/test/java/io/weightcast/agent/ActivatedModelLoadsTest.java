package io.weightcast.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.FileEntry;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens every file of an activated version the way a safetensors loader does — 8-byte
 * little-endian header length, JSON header, each tensor mapped read-only at its offset — and
 * checks dtype, shape and byte length against the header and sampled values against the source.
 * Files that are not safetensors must be byte-identical to the source.
 */
@ExtendWith(VertxExtension.class)
class ActivatedModelLoadsTest {
  private static final long MIB = 1024 * 1024;
  private static final Map<String, Integer> DTYPE_BYTES = Map.of("BF16", 2, "F16", 2, "F32", 4,
      "I64", 8, "U8", 1);
  @TempDir Path dir;

  @Test
  void everyTensorOfTheActiveVersionMapsWithTheHeadersDtypeShapeAndTheSourcesValues(
      Vertx vertx) throws Exception {
    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path agentData = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")))
        .await();
    Path src = dir.resolve("src");
    CommittedVersion v1 = AgentFixture.publish(vertx, plane, src, "llama-mini", "v1",
        6 * MIB + 101, 7, MIB);
    AgentFixture.awaitCurrent(agentData, "llama-mini", "v1", 30_000);
    Path current = agentData.resolve("models/llama-mini/current");
    int tensors = 0;
    int shards = 0;
    for (FileEntry f : v1.manifest().files()) {
      if (f.path().endsWith(".safetensors")) {
        tensors += loadAndCompare(current.resolve(f.path()), src.resolve(f.path()));
        shards++;
      } else {
        assertEquals(f.digest(), AgentFixture.sha256(current.resolve(f.path())), f.path());
      }
    }
    assertTrue(shards >= 2 && tensors > shards, shards + " shards, " + tensors + " tensors");
  }

  /** Loads one shard as a loader would; answers the number of tensors checked. */
  private static int loadAndCompare(Path file, Path source) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel srcCh = FileChannel.open(source, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long headerLength = len.flip().getLong();
      assertTrue(headerLength > 0 && 8 + headerLength <= ch.size(), file + ": header length "
          + headerLength);
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      ch.read(headerBytes, 8);
      JsonObject header = new JsonObject(new String(headerBytes.array(),
          StandardCharsets.UTF_8).strip());
      long dataStart = 8 + headerLength;
      long end = 0;
      int count = 0;
      for (String name : header.fieldNames()) {
        if (name.equals("__metadata__")) {
          continue;
        }
        JsonObject t = header.getJsonObject(name);
        String dtype = t.getString("dtype");
        assertEquals("BF16", dtype, name);
        long elements = 1;
        JsonArray shape = t.getJsonArray("shape");
        for (int i = 0; i < shape.size(); i++) {
          elements *= shape.getLong(i);
        }
        long begin = t.getJsonArray("data_offsets").getLong(0);
        long stop = t.getJsonArray("data_offsets").getLong(1);
        assertEquals(elements * DTYPE_BYTES.get(dtype), stop - begin, name + " byte length");
        MappedByteBuffer tensor = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin,
            stop - begin);
        MappedByteBuffer expected = srcCh.map(FileChannel.MapMode.READ_ONLY, dataStart + begin,
            stop - begin);
        tensor.order(ByteOrder.LITTLE_ENDIAN);
        expected.order(ByteOrder.LITTLE_ENDIAN);
        assertSampleEqual(name, tensor, expected, elements);
        end = Math.max(end, stop);
        count++;
      }
      assertEquals(ch.size(), dataStart + end, file + ": tensors end where the file ends");
      return count;
    }
  }

  /** The first, last and 64 random BF16 values, plus one 4 KiB run, equal the source's. */
  private static void assertSampleEqual(String name, MappedByteBuffer got,
      MappedByteBuffer want, long elements) {
    Random random = new Random(name.hashCode());
    for (int i = 0; i < 66; i++) {
      int e = i == 0 ? 0 : i == 1 ? (int) elements - 1 : random.nextInt((int) elements);
      assertEquals(want.getShort(e * 2), got.getShort(e * 2), name + "[" + e + "]");
    }
    int run = (int) Math.min(4096, got.capacity());
    byte[] a = new byte[run];
    byte[] b = new byte[run];
    got.get(0, a);
    want.get(0, b);
    assertArrayEquals(b, a, name + " first " + run + " bytes");
  }
}
