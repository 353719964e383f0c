package io.weightcast.agent.assemble;

import static io.weightcast.agent.assemble.AssemblyFixture.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.NotFound;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  @Test
  void currentVersionIsEmptyBeforeAnyActivation() throws IOException {
    assertEquals(Optional.empty(), ModelStore.currentVersion(data(), MODEL));
    assertEquals(List.of(), ModelStore.versions(data(), MODEL));
  }

  @Test
  void activateSwapsCurrentAtomicallyAndCurrentNeverDangles() throws Exception {
    publish("v1");
    publish("v2");
    assertEquals(Optional.empty(), ModelStore.activate(data(), MODEL, "v1"));
    Path weights = new DataLayout(data()).currentLink(MODEL).resolve("weights.bin");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        while (!stop.get()) {
          String content = Files.readString(weights, StandardCharsets.UTF_8);
          if (!content.startsWith("weights of v")) {
            throw new AssertionError("unexpected content " + content);
          }
        }
      } catch (IOException | AssertionError e) {
        readerFailure.set(e);
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 200; i++) {
        String next = i % 2 == 0 ? "v2" : "v1";
        String previous = i % 2 == 0 ? "v1" : "v2";
        assertEquals(Optional.of(previous), ModelStore.activate(data(), MODEL, next));
        assertEquals(Optional.of(next), ModelStore.currentVersion(data(), MODEL));
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertNull(readerFailure.get(), () -> "reader saw " + readerFailure.get());
    assertEquals("weights of v1", Files.readString(weights));
    assertEquals(Path.of("v1"), Files.readSymbolicLink(new DataLayout(data()).currentLink(MODEL)));
    assertEquals(Set.of("current", "v1", "v2"), entries(new DataLayout(data()).modelDir(MODEL)),
        "no temporary links left behind");
  }

  @Test
  void activateRefusesAnUnpublishedVersionAndLeavesCurrentAlone() throws IOException {
    publish("v1");
    ModelStore.activate(data(), MODEL, "v1");
    Manifest staged = AssemblyFixture.syntheticManifest("v2", 4096, 100);
    VersionAssembly.open(data(), staged).close();
    assertThrows(NotFound.class, () -> ModelStore.activate(data(), MODEL, "v2"));
    assertEquals(Optional.of("v1"), ModelStore.currentVersion(data(), MODEL));
  }

  @Test
  void retainKeepsTheNewestVersionsAndNeverTheCurrentOne() throws IOException {
    DataLayout layout = new DataLayout(data());
    for (int v = 1; v <= 5; v++) {
      publish("v" + v);
      Files.setLastModifiedTime(layout.versionDir(MODEL, "v" + v),
          FileTime.fromMillis(1_000_000L * v));
    }
    ModelStore.activate(data(), MODEL, "v1");
    assertEquals(List.of("v5", "v4", "v3", "v2", "v1"), ModelStore.versions(data(), MODEL));

    assertEquals(List.of("v3", "v2"), ModelStore.retain(data(), MODEL, 2));

    assertEquals(List.of("v5", "v4", "v1"), ModelStore.versions(data(), MODEL));
    assertEquals(Optional.of("v1"), ModelStore.currentVersion(data(), MODEL));
    assertEquals(Set.of("current", "v1", "v4", "v5"), entries(layout.modelDir(MODEL)));
    assertEquals(List.of("v5"), ModelStore.retain(data(), MODEL, 0).subList(0, 1));
    assertEquals(List.of("v1"), ModelStore.versions(data(), MODEL));
  }

  @Test
  void discardStagingRemovesOnlyUnwantedVersions() throws IOException {
    DataLayout layout = new DataLayout(data());
    VersionAssembly.open(data(), AssemblyFixture.syntheticManifest("v1", 4096, 100)).close();
    VersionAssembly.open(data(), AssemblyFixture.syntheticManifest("v2", 4096, 100)).close();
    assertEquals(Set.of("v1"), ModelStore.discardStaging(data(), MODEL, Set.of("v2")));
    assertEquals(Set.of("v2", ".v2.journal"), entries(layout.stagingModelDir(MODEL)));
  }

  /** Publishes a one-file version whose content names it. */
  private void publish(String version) throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src-" + version));
    Files.writeString(source.resolve("weights.bin"), "weights of " + version);
    Manifest m = AssemblyFixture.manifest(source, version);
    try (VersionAssembly assembly = VersionAssembly.open(data(), m,
        AssemblyConfig.DEFAULTS.withVerifyFilesOnFinish(true))) {
      for (ChunkLocation at : assembly.missingChunks()) {
        AssemblyFixture.Encoded chunk = AssemblyFixture.encode(source, at);
        assembly.writeChunk(at, chunk.codec(), chunk.bytes());
      }
      assembly.finish();
    }
  }

  private static Set<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    }
  }
}
