package io.weightcast.agent.serve;

import io.weightcast.agent.assemble.DataLayout;
import io.weightcast.protocol.codec.Codec;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each chunk this agent holds can be read: digest to (file, offset, length) inside a
 * published version or in a staging file. Confined to the agent verticle's context; a chunk is
 * added only once its bytes are verified and durable, so nothing unverified is ever served.
 */
public final class HeldChunks {
  /**
   * A readable copy of a chunk (decoded), with the codec its manifest records for it
   * ({@code RAW} when none): the one {@link PeerEncoder} encodes it with for a peer.
   */
  public record Location(Path file, long offset, long length, Codec codec) {
    public Location(Path file, long offset, long length) {
      this(file, offset, length, Codec.RAW);
    }
  }

  private static Codec codecOf(ChunkSpec c) {
    return c.encoding().map(e -> e.codec()).orElse(Codec.RAW);
  }

  private final Path modelsDir;
  private final Path stagingRoot;
  private final Map<Digest, Location> byDigest = new HashMap<>();
  private final Map<String, Manifest> versions = new HashMap<>();

  public HeldChunks(DataLayout layout) {
    this.modelsDir = layout.modelsDir();
    this.stagingRoot = layout.stagingRoot();
  }

  public void add(CommittedVersion v) {
    add(v.manifest());
  }

  private void add(Manifest m) {
    versions.put(m.id(), m);
    Path dir = modelsDir.resolve(m.model()).resolve(m.version());
    for (FileEntry f : m.files()) {
      for (ChunkSpec c : f.chunks()) {
        byDigest.put(c.digest(), new Location(dir.resolve(f.path()), c.offset(), c.length(),
            codecOf(c)));
      }
    }
  }

  /**
   * Serves a chunk verified and durable in a staging file, before its version is complete. When
   * the version is published, {@link #add} points the chunk at its final place.
   */
  public void addStaged(ChunkSpec chunk, Path stagedFile) {
    byDigest.putIfAbsent(chunk.digest(), new Location(stagedFile, chunk.offset(),
        chunk.length(), codecOf(chunk)));
  }

  /** Every chunk digest held. */
  public java.util.Set<Digest> digests() {
    return java.util.Set.copyOf(byDigest.keySet());
  }

  /** Forgets a deleted version ("model/version"); chunks also held by another version stay. */
  public void remove(String id) {
    if (versions.remove(id) == null) {
      return;
    }
    byDigest.clear();
    List.copyOf(versions.values()).forEach(this::add);
  }

  /**
   * Where a copy read from {@code staged}, a staging file, is once its version is published (its
   * staging directory renamed into the models directory); empty for a location not in staging.
   * For a read that failed because the version was published under it, before {@link #add}
   * pointed the chunk at its new place.
   */
  public Optional<Location> published(Location staged) {
    Path file = staged.file().toAbsolutePath().normalize();
    if (!file.startsWith(stagingRoot)) {
      return Optional.empty();
    }
    return Optional.of(new Location(modelsDir.resolve(stagingRoot.relativize(file)),
        staged.offset(), staged.length(), staged.codec()));
  }

  public Optional<Location> find(Digest digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  public int size() {
    return byDigest.size();
  }
}
