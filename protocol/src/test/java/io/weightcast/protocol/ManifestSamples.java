package io.weightcast.protocol;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.failure.InvalidManifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Builders of hand-made manifests for the validation and text tests. */
final class ManifestSamples {
  static final long CHUNK = Manifest.MIN_CHUNK_SIZE;

  private ManifestSamples() {}

  /** A digest that stands for some content; distinct labels give distinct digests. */
  static Digest digestOf(String label) {
    return Digest.sha256(label.getBytes(StandardCharsets.UTF_8));
  }

  static ChunkSpec chunk(int index, long offset, long length) {
    return new ChunkSpec(index, offset, length, digestOf(index + "@" + offset + "+" + length));
  }

  static FileEntry file(String path, long size, ChunkSpec... chunks) {
    return new FileEntry(path, size, digestOf("file " + path), Arrays.asList(chunks));
  }

  /** A file of {@code size} bytes cut by the chunker's rule with chunk size {@link #CHUNK}. */
  static FileEntry tiled(String path, long size) {
    List<ChunkSpec> chunks = new ArrayList<>();
    for (long off = 0; off < size; off += CHUNK) {
      chunks.add(chunk(chunks.size(), off, Math.min(CHUNK, size - off)));
    }
    return new FileEntry(path, size, digestOf("file " + path), chunks);
  }

  static Manifest manifest(FileEntry... files) {
    return new Manifest("llama", "v1", CHUNK, List.of(files));
  }

  /** Asserts that building fails with an InvalidManifest whose message holds every fragment. */
  static InvalidManifest assertInvalid(Executable build, String... fragments) {
    InvalidManifest e = assertThrows(InvalidManifest.class, build);
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
    return e;
  }
}
