package io.weightcast.protocol.wire;

import com.google.protobuf.ByteString;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.signing.ManifestSignature;
import io.weightcast.protocol.v1.NodeVersionState;
import io.weightcast.protocol.v1.ReportProgressRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where weightcast.v1 protobuf messages become domain records and back. Decoding
 * validates: a malformed message becomes {@link InvalidManifest} or {@link InvalidArgument}.
 */
public final class RegistryMapper {
  private RegistryMapper() {}

  public static io.weightcast.protocol.v1.Manifest toProto(Manifest m) {
    io.weightcast.protocol.v1.Manifest.Builder b = io.weightcast.protocol.v1.Manifest.newBuilder()
        .setModel(m.model()).setVersion(m.version()).setChunkSize(m.chunkSize());
    for (FileEntry f : m.files()) {
      io.weightcast.protocol.v1.FileEntry.Builder fb = io.weightcast.protocol.v1.FileEntry
          .newBuilder().setPath(f.path()).setSize(f.size())
          .setSha256(ByteString.copyFrom(f.digest().bytes()));
      for (ChunkSpec c : f.chunks()) {
        io.weightcast.protocol.v1.Chunk.Builder cb = io.weightcast.protocol.v1.Chunk.newBuilder()
            .setOffset(c.offset()).setLength(c.length())
            .setSha256(ByteString.copyFrom(c.digest().bytes()));
        c.encoding().ifPresent(e -> cb.setCodec(e.codec().wireName())
            .setStoredLength(e.storedLength()));
        fb.addChunks(cb);
      }
      b.addFiles(fb);
    }
    return b.build();
  }

  public static Manifest fromProto(io.weightcast.protocol.v1.Manifest p) {
    try {
      List<FileEntry> files = new ArrayList<>(p.getFilesCount());
      for (io.weightcast.protocol.v1.FileEntry f : p.getFilesList()) {
        List<ChunkSpec> chunks = new ArrayList<>(f.getChunksCount());
        for (io.weightcast.protocol.v1.Chunk c : f.getChunksList()) {
          chunks.add(chunk(chunks.size(), f.getPath(), c));
        }
        files.add(new FileEntry(f.getPath(), signed("size of '" + f.getPath() + "'", f.getSize()),
            Digest.of(f.getSha256().toByteArray()), chunks));
      }
      return new Manifest(p.getModel(), p.getVersion(), signed("chunk_size", p.getChunkSize()),
          files);
    } catch (IllegalArgumentException | InvalidArgument e) {
      throw new InvalidManifest("invalid manifest: " + e.getMessage(), e);
    }
  }

  /** A chunk message; an empty codec means the manifest does not record the encoding. */
  private static ChunkSpec chunk(int index, String path, io.weightcast.protocol.v1.Chunk c) {
    String which = " of chunk " + index + " of '" + path + "'";
    ChunkSpec chunk = new ChunkSpec(index, signed("offset" + which, c.getOffset()),
        signed("length" + which, c.getLength()), Digest.of(c.getSha256().toByteArray()));
    if (c.getCodec().isEmpty()) {
      if (c.getStoredLength() != 0) {
        throw new InvalidManifest("chunk " + index + " has a stored_length but no codec");
      }
      return chunk;
    }
    return chunk.withEncoding(ChunkEncoding.parse(c.getCodec(), c.getStoredLength()));
  }

  public static io.weightcast.protocol.v1.CommittedVersion toProto(CommittedVersion v) {
    io.weightcast.protocol.v1.CommittedVersion.Builder b =
        io.weightcast.protocol.v1.CommittedVersion.newBuilder()
            .setManifest(toProto(v.manifest())).setSequence(v.sequence())
            .setManifestDigest(v.manifestDigest().hex()).setCommittedAtMs(v.committedAtMs());
    v.signature().ifPresent(s -> b.setSignature(toProto(s)));
    return b.build();
  }

  public static io.weightcast.protocol.v1.ManifestSignature toProto(ManifestSignature s) {
    return io.weightcast.protocol.v1.ManifestSignature.newBuilder().setKeyId(s.keyId())
        .setSignature(ByteString.copyFrom(s.signature())).build();
  }

  /** Empty when the message carries no signature; a malformed one is an InvalidManifest. */
  public static Optional<ManifestSignature> fromProto(boolean present,
      io.weightcast.protocol.v1.ManifestSignature p) {
    if (!present) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ManifestSignature(p.getKeyId(), p.getSignature().toByteArray()));
    } catch (IllegalArgumentException e) {
      throw new InvalidManifest("invalid manifest signature: " + e.getMessage(), e);
    }
  }

  /**
   * A uint64 wire field as a Java long: values of 2^63 and above (negative as a long) are refused
   * with their unsigned value, rather than read as negative numbers.
   */
  private static long signed(String field, long wire) {
    if (wire < 0) {
      throw new InvalidManifest(field + " is " + Long.toUnsignedString(wire)
          + ", beyond the largest size a manifest may state (2^63 - 1)");
    }
    return wire;
  }

  public static CommittedVersion fromProto(io.weightcast.protocol.v1.CommittedVersion p) {
    Manifest m = fromProto(p.getManifest());
    Digest digest = Digest.parse(p.getManifestDigest());
    if (!digest.equals(m.digest())) {
      throw new InvalidManifest("manifest digest " + digest.shortHex() + " does not match content "
          + m.digest().shortHex() + " of " + m.id());
    }
    return new CommittedVersion(m, p.getSequence(), digest, p.getCommittedAtMs(),
        fromProto(p.hasSignature(), p.getSignature()));
  }

  public static ReportProgressRequest toProto(NodeProgress n) {
    return ReportProgressRequest.newBuilder().setNodeId(n.nodeId()).setZone(n.zone())
        .setRack(n.rack()).setModel(n.model()).setVersion(n.version())
        .setState(NodeVersionState.valueOf(n.state().name())).setChunksDone(n.chunksDone())
        .setChunksTotal(n.chunksTotal()).setBytesDone(n.bytesDone())
        .setBytesTotal(n.bytesTotal()).setBytesReused(n.bytesReused())
        .setBytesFromPeers(n.bytesFromPeers()).setLastError(n.lastError())
        .setServeUrl(n.serveUrl()).setCurrent(n.current()).build();
  }

  public static NodeProgress fromProto(ReportProgressRequest p, long receivedAtMs) {
    NodeProgress.State state = switch (p.getState()) {
      case FETCHING -> NodeProgress.State.FETCHING;
      case VERIFYING -> NodeProgress.State.VERIFYING;
      case ACTIVE -> NodeProgress.State.ACTIVE;
      case FAILED -> NodeProgress.State.FAILED;
      case PAUSED -> NodeProgress.State.PAUSED;
      default -> NodeProgress.State.QUEUED;
    };
    try {
      return new NodeProgress(p.getNodeId(), p.getZone(), p.getRack(), p.getModel(),
          p.getVersion(), state, p.getChunksDone(), p.getChunksTotal(), p.getBytesDone(),
          p.getBytesTotal(), p.getBytesReused(), p.getLastError(), p.getServeUrl(),
          p.getCurrent(), receivedAtMs, p.getBytesFromPeers());
    } catch (IllegalArgumentException | InvalidManifest e) {
      throw new InvalidArgument("invalid progress report: " + e.getMessage(), e);
    }
  }

  public static io.weightcast.protocol.v1.ModelPolicy toProto(ModelPolicy p) {
    return io.weightcast.protocol.v1.ModelPolicy.newBuilder().setModel(p.model())
        .setTarget(p.target().orElse("")).setPinned(p.pinned().orElse(""))
        .addAllWithdrawn(p.withdrawn()).addAllPaused(p.paused()).build();
  }

  public static ModelPolicy fromProto(io.weightcast.protocol.v1.ModelPolicy p) {
    try {
      return new ModelPolicy(p.getModel(), optional(p.getTarget()), optional(p.getPinned()),
          new java.util.TreeSet<>(p.getWithdrawnList()), new java.util.TreeSet<>(p.getPausedList()));
    } catch (IllegalArgumentException | InvalidManifest e) {
      throw new InvalidArgument("invalid model policy: " + e.getMessage(), e);
    }
  }

  private static java.util.Optional<String> optional(String s) {
    return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
  }
}
