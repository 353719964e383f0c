package io.weightcast.registry.limits;

import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.Names;
import io.weightcast.protocol.failure.LimitExceeded;
import io.weightcast.protocol.wire.RegistryConnection;

/**
 * What the registry accepts in one publish, configurable below the protocol's own hard bounds
 * (the defaults: a 32 MiB manifest message, and the bounds themselves)
 * ({@link Manifest#MAX_FILES}, {@link Names#MAX_PATH_LENGTH}, {@link Manifest#MAX_CHUNK_SIZE},
 * the 64 MiB gRPC message). Pure; {@link #check} throws {@link LimitExceeded} (gRPC
 * RESOURCE_EXHAUSTED) naming the limit, the value and the option that raises it.
 *
 * @param maxManifestBytes encoded size of the manifest message
 * @param maxFiles files in one version
 * @param maxPathLength characters of one file path
 * @param maxChunkSize the manifest's nominal chunk size and every chunk's length
 */
public record PublishLimits(long maxManifestBytes, int maxFiles, int maxPathLength,
    long maxChunkSize) {
  public static final PublishLimits DEFAULTS = new PublishLimits(
      RegistryConnection.MAX_MESSAGE_BYTES / 2, Manifest.MAX_FILES, Names.MAX_PATH_LENGTH,
      Manifest.MAX_CHUNK_SIZE);

  public PublishLimits {
    if (maxManifestBytes < 1 || maxManifestBytes > RegistryConnection.MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("maxManifestBytes must be in [1, "
          + RegistryConnection.MAX_MESSAGE_BYTES + "], got " + maxManifestBytes);
    }
    if (maxFiles < 1 || maxFiles > Manifest.MAX_FILES) {
      throw new IllegalArgumentException("maxFiles must be in [1, " + Manifest.MAX_FILES
          + "], got " + maxFiles);
    }
    if (maxPathLength < 1 || maxPathLength > Names.MAX_PATH_LENGTH) {
      throw new IllegalArgumentException("maxPathLength must be in [1, " + Names.MAX_PATH_LENGTH
          + "], got " + maxPathLength);
    }
    if (maxChunkSize < Manifest.MIN_CHUNK_SIZE || maxChunkSize > Manifest.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("maxChunkSize must be in [" + Manifest.MIN_CHUNK_SIZE
          + ", " + Manifest.MAX_CHUNK_SIZE + "], got " + maxChunkSize);
    }
  }

  /** Refuses the first limit {@code manifest} (encoded in {@code encodedBytes}) exceeds. */
  public void check(Manifest manifest, long encodedBytes) {
    String id = manifest.id();
    if (encodedBytes > maxManifestBytes) {
      throw new LimitExceeded(id + ": manifest is " + encodedBytes + " bytes, the limit is "
          + maxManifestBytes + " (registry --max-manifest-bytes)");
    }
    if (manifest.files().size() > maxFiles) {
      throw new LimitExceeded(id + ": " + manifest.files().size() + " files, the limit is "
          + maxFiles + " (registry --max-files)");
    }
    if (manifest.chunkSize() > maxChunkSize) {
      throw new LimitExceeded(id + ": chunk size " + manifest.chunkSize() + ", the limit is "
          + maxChunkSize + " (registry --max-chunk-size)");
    }
    for (FileEntry f : manifest.files()) {
      if (f.path().length() > maxPathLength) {
        throw new LimitExceeded(id + ": path of " + f.path().length() + " characters ('"
            + f.path().substring(0, Math.min(40, f.path().length())) + "...'), the limit is " + maxPathLength
            + " (registry --max-path-length)");
      }
      f.chunks().stream().filter(c -> c.length() > maxChunkSize).findFirst().ifPresent(c -> {
        throw new LimitExceeded(id + ": chunk " + c.index() + " of '" + f.path() + "' has "
            + c.length() + " bytes, the limit is " + maxChunkSize
            + " (registry --max-chunk-size)");
      });
    }
  }
}
