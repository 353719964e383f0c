package io.weightcast.registry;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small valid manifests for registry tests (content made up; chunk digests are real hashes). */
public final class TestManifests {
  private TestManifests() {}

  /** One file of two chunks whose bytes are derived from {@code seed}. */
  public static Manifest of(String model, String version, String seed) {
    Digest a = Digest.sha256((seed + "-a").getBytes(StandardCharsets.UTF_8));
    Digest b = Digest.sha256((seed + "-b").getBytes(StandardCharsets.UTF_8));
    Digest file = Digest.sha256((seed + "-file").getBytes(StandardCharsets.UTF_8));
    return new Manifest(model, version, 4096, List.of(new FileEntry("weights.bin", 6000, file,
        List.of(new ChunkSpec(0, 0, 4096, a), new ChunkSpec(1, 4096, 1904, b)))));
  }
}
