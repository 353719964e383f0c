package io.weightcast.agent.assemble;

import static io.weightcast.agent.assemble.AssemblyFixture.MODEL;
import static io.weightcast.agent.assemble.AssemblyFixture.encode;
import static io.weightcast.agent.assemble.AssemblyFixture.locations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.NoSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data dir on an 8 MiB tmpfs (skipped where tmpfs cannot be mounted, e.g. without root). */
class NoSpaceTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path tmp;
  private SmallDisk small;
  private Path disk;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    small = SmallDisk.mount(tmp.resolve("disk"), "8m");
    disk = small.dir();
  }

  /**
   * Chunk windows stay mapped until the GC collects them (Java 17 has no public unmap), and a
   * live mapping keeps the tmpfs busy: collect, retry, and detach lazily as a last resort.
   */
  @AfterEach
  void unmount() throws Exception {
    if (small != null) {
      small.close();
    }
  }

  @Test
  void refusesVersionThatDoesNotFitBeforeCreatingAnything() throws IOException {
    Path data = disk.resolve("data");
    DataLayout layout = new DataLayout(data);
    AssemblyConfig config = AssemblyConfig.DEFAULTS.withFreeSpaceMargin(MIB);
    Path source = AssemblyFixture.sourceTree(tmp.resolve("src"), 1);
    Manifest v1 = AssemblyFixture.manifest(source, "v1");
    try (VersionAssembly assembly = VersionAssembly.open(data, v1, config)) {
      for (ChunkLocation at : locations(v1)) {
        AssemblyFixture.Encoded chunk = encode(source, at);
        assembly.writeChunk(at, chunk.codec(), chunk.bytes());
      }
      assembly.finish();
    }
    ModelStore.activate(data, MODEL, "v1");

    Manifest v2 = AssemblyFixture.syntheticManifest("v2", MIB, 12 * MIB);
    NoSpace e = assertThrows(NoSpace.class, () -> VersionAssembly.open(data, v2, config));
    assertTrue(e.getMessage().contains("needs " + 12 * MIB + " bytes"), e.getMessage());
    assertFalse(Files.exists(layout.stagingDir(MODEL, "v2")));
    assertFalse(Files.exists(layout.journal(MODEL, "v2")));
    assertFalse(Files.exists(layout.versionDir(MODEL, "v2")));
    assertEquals(Optional.of("v1"), ModelStore.currentVersion(data, MODEL));
    assertTrue(Files.isRegularFile(layout.currentLink(MODEL).resolve("config.json")));
  }

  @Test
  void freeSpaceMarginCountsAgainstTheVersion() {
    Manifest small = AssemblyFixture.syntheticManifest("v1", MIB, 2 * MIB);
    assertThrows(NoSpace.class, () -> VersionAssembly.open(disk.resolve("data"), small));
    assertFalse(Files.exists(disk.resolve("data")), "the default 64 MiB margin does not fit");
  }

  @Test
  void preallocationFailsWithNoSpaceWhenTheDiskFills() throws IOException {
    assumeTrue(Preallocator.isNative(), "posix_fallocate unavailable");
    Path file = disk.resolve("too-big.bin");
    assertThrows(NoSpace.class, () -> Preallocator.allocate(file, 16 * MIB));
    Files.deleteIfExists(file);
  }

}
