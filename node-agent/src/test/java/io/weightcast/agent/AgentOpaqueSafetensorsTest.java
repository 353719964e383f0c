package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files whose header lies are distributed as opaque bytes, byte-identical, through a
 * real distributor and agent: never rejected, never corrupted, each with a warning at push time.
 */
@ExtendWith(VertxExtension.class)
class AgentOpaqueSafetensorsTest {
  private static final long CHUNK = 16 * 1024;
  @TempDir Path dir;

  @Test
  void lyingHeadersAreDistributedByteIdenticalAsOpaqueFiles(Vertx vertx) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src);
    String tensor = "\"a\":{\"dtype\":\"U8\",\"shape\":[%d],\"data_offsets\":[0,%d]}";
    Map<String, byte[]> lies = Map.of(
        "past-end.safetensors", header("{" + String.format(tensor, 90_000, 90_000) + "}"),
        "overlap.safetensors", header("{" + String.format(tensor, 9000, 9000)
            + ",\"b\":{\"dtype\":\"U8\",\"shape\":[10],\"data_offsets\":[5,15]}}"),
        "long-header.safetensors", lengthOnly(1L << 40),
        "not-utf8.safetensors", header("{\"\u00ff\":1}", true),
        "unknown-dtype.safetensors", header("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],"
            + "\"data_offsets\":[0,1]}}"));
    Random random = new Random(6);
    for (Map.Entry<String, byte[]> e : lies.entrySet()) {
      byte[] body = new byte[50_000 + random.nextInt(5000)];
      random.nextBytes(body);
      byte[] file = new byte[e.getValue().length + body.length];
      System.arraycopy(e.getValue(), 0, file, 0, e.getValue().length);
      System.arraycopy(body, 0, file, e.getValue().length, body.length);
      Files.write(src.resolve(e.getKey()), file);
    }
    List<String> notes = new CopyOnWriteArrayList<>();
    Manifest m = new Chunker(CHUNK).manifest("m", "v1", ModelDirectory.scan(src), Runnable::run,
        n -> { }, notes::add);
    assertEquals(lies.size(), notes.size(), notes.toString());
    for (FileEntry f : m.files()) {
      List<Long> offsets = new ArrayList<>();
      f.chunks().forEach(c -> offsets.add(c.offset()));
      for (int i = 0; i < offsets.size(); i++) {
        assertEquals(i * CHUNK, (long) offsets.get(i), f.path() + " keeps fixed offsets");
      }
      assertTrue(notes.stream().anyMatch(n -> n.startsWith(f.path() + ": safetensors header is "
          + "opaque because")), f.path() + " " + notes);
    }

    ControlPlaneFixture plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    Path agentData = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")))
        .await();
    plane.upload(m, src).await();
    RegistryConnection r = RegistryConnection.create(vertx, plane.registryEndpoint());
    try {
      ControlPlaneFixture.onContext(vertx, () -> r.publish(m)).await();
    } finally {
      r.close();
    }
    awaitCurrent(agentData, "m", "v1", 30_000);
    assertIdentical(agentData, m);
  }

  private static byte[] header(String json) {
    return header(json, false);
  }

  /** Length prefix + JSON; {@code latin1} writes the JSON in ISO-8859-1 (not UTF-8). */
  private static byte[] header(String json, boolean latin1) {
    byte[] h = json.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length)
        .put(h).array();
  }

  private static byte[] lengthOnly(long declared) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array();
  }
}
