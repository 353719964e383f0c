package io.weightcast.protocol;

import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.failure.InvalidManifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The content of one model version. Valid by construction: every rule of protocol/README.md is
 * checked here and broken rules throw {@link InvalidManifest} naming the field.
 */
public record Manifest(String model, String version, long chunkSize, List<FileEntry> files) {
  public static final long MIN_CHUNK_SIZE = 4 * 1024;
  public static final long MAX_CHUNK_SIZE = 256L * 1024 * 1024;
  public static final long DEFAULT_CHUNK_SIZE = 8L * 1024 * 1024;
  public static final int MAX_FILES = 100_000;

  public Manifest {
    Names.requireModel(model);
    Names.requireVersion(version);
    if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
      throw new InvalidManifest("chunk_size must be in [" + MIN_CHUNK_SIZE + ", " + MAX_CHUNK_SIZE
          + "], got " + chunkSize);
    }
    // Files are kept in path order (String order), so the digest does not depend on listing order.
    files = Objects.requireNonNull(files, "files").stream()
        .sorted(java.util.Comparator.comparing(FileEntry::path)).toList();
    if (files.size() > MAX_FILES) {
      throw new InvalidManifest("at most " + MAX_FILES + " files, got " + files.size());
    }
    checkPaths(files);
    for (FileEntry file : files) {
      checkTiling(file, chunkSize);
    }
    checkEncodings(files);
  }

  /**
   * This manifest with the origin's encoding recorded on every chunk whose digest
   * {@code encodings} holds (other chunks keep theirs).
   */
  public Manifest withEncodings(Map<Digest, ChunkEncoding> encodings) {
    List<FileEntry> out = new ArrayList<>(files.size());
    for (FileEntry f : files) {
      List<ChunkSpec> chunks = new ArrayList<>(f.chunks().size());
      for (ChunkSpec c : f.chunks()) {
        ChunkEncoding e = encodings.get(c.digest());
        chunks.add(e == null ? c : c.withEncoding(e));
      }
      out.add(new FileEntry(f.path(), f.size(), f.digest(), chunks));
    }
    return new Manifest(model, version, chunkSize, out);
  }

  /** A chunk is stored once per digest, so every chunk of one digest records the same encoding. */
  private static void checkEncodings(List<FileEntry> files) {
    Map<Digest, java.util.Optional<ChunkEncoding>> seen = new java.util.HashMap<>();
    for (FileEntry file : files) {
      for (ChunkSpec c : file.chunks()) {
        java.util.Optional<ChunkEncoding> first = seen.putIfAbsent(c.digest(), c.encoding());
        if (first != null && !first.equals(c.encoding())) {
          throw new InvalidManifest("chunk " + c.digest().shortHex() + " of " + file.path()
              + " records encoding " + c.encoding().map(ChunkEncoding::toString).orElse("none")
              + ", another chunk of the same digest " + first.map(ChunkEncoding::toString)
              .orElse("none"));
        }
      }
    }
  }

  /** Sum of file sizes. */
  public long totalBytes() {
    return files.stream().mapToLong(FileEntry::size).sum();
  }

  public int chunkCount() {
    return files.stream().mapToInt(f -> f.chunks().size()).sum();
  }

  /** Each distinct chunk digest once, with its length, in manifest order. */
  public Map<Digest, Long> distinctChunks() {
    Map<Digest, Long> out = new LinkedHashMap<>();
    for (FileEntry file : files) {
      for (ChunkSpec chunk : file.chunks()) {
        out.putIfAbsent(chunk.digest(), chunk.length());
      }
    }
    return out;
  }

  /** SHA-256 of the canonical text ({@link ManifestText#encode}); identical content, same digest. */
  public Digest digest() {
    return Digest.sha256(ManifestText.encode(this).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** "model/version", for messages. */
  public String id() {
    return model + "/" + version;
  }

  private static void checkPaths(List<FileEntry> files) {
    Set<String> exact = new HashSet<>();
    Set<String> folded = new HashSet<>();
    List<String> paths = new ArrayList<>();
    for (FileEntry file : files) {
      String path = Names.requireRelativePath(file.path());
      if (!exact.add(path)) {
        throw new InvalidManifest("file path repeats: '" + path + "'");
      }
      if (!folded.add(path.toLowerCase(Locale.ROOT))) {
        throw new InvalidManifest("file paths differ only by case: '" + path + "'");
      }
      paths.add(path);
    }
    // A file may not also be a directory of another file ("a" and "a/b").
    for (String path : paths) {
      int slash = path.indexOf('/');
      while (slash > 0) {
        String dir = path.substring(0, slash);
        if (folded.contains(dir.toLowerCase(Locale.ROOT))) {
          throw new InvalidManifest("file path '" + dir + "' is also a directory of '" + path
              + "' (compared ignoring case)");
        }
        slash = path.indexOf('/', slash + 1);
      }
    }
  }

  private static void checkTiling(FileEntry file, long chunkSize) {
    long expectedOffset = 0;
    int expectedIndex = 0;
    for (ChunkSpec chunk : file.chunks()) {
      if (chunk.index() != expectedIndex) {
        throw new InvalidManifest("chunk index " + chunk.index() + " of '" + file.path()
            + "' should be " + expectedIndex);
      }
      if (chunk.offset() != expectedOffset) {
        throw new InvalidManifest("chunks of '" + file.path() + "' do not tile the file: chunk "
            + chunk.index() + " starts at " + chunk.offset() + ", expected " + expectedOffset);
      }
      if (chunk.length() > chunkSize) {
        throw new InvalidManifest("chunk " + chunk.index() + " of '" + file.path() + "' is "
            + chunk.length() + " bytes, larger than chunk_size " + chunkSize);
      }
      expectedOffset = chunk.end();
      expectedIndex++;
    }
    if (expectedOffset != file.size()) {
      throw new InvalidManifest("chunks of '" + file.path() + "' cover " + expectedOffset
          + " bytes but the file has " + file.size());
    }
  }
}
