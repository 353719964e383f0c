package io.weightcast.protocol;

import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.failure.InvalidManifest;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical text form of a manifest (protocol/README.md, "Canonical manifest text"). Its
 * SHA-256 is the manifest digest, and the registry's log stores manifests in this form.
 *
 * <pre>
 * weightcast-manifest v1
 * model NAME
 * version NAME
 * chunk-size N
 * file SIZE SHA256 PATH        (PATH percent-encoded, UTF-8)
 * chunk OFFSET LENGTH SHA256   (the file's chunks, in order; when the manifest records the
 *                               chunk's encoding, two more fields: CODEC STORED_LENGTH)
 * </pre>
 *
 * Every line ends with '\n'; files appear in the manifest's order.
 */
public final class ManifestText {
  private static final String MAGIC = "weightcast-manifest v1";

  private ManifestText() {}

  public static String encode(Manifest m) {
    StringBuilder sb = new StringBuilder(128 + m.chunkCount() * 96);
    sb.append(MAGIC).append('\n');
    sb.append("model ").append(m.model()).append('\n');
    sb.append("version ").append(m.version()).append('\n');
    sb.append("chunk-size ").append(m.chunkSize()).append('\n');
    for (FileEntry f : m.files()) {
      sb.append("file ").append(f.size()).append(' ').append(f.digest().hex()).append(' ')
          .append(URLEncoder.encode(f.path(), StandardCharsets.UTF_8)).append('\n');
      for (ChunkSpec c : f.chunks()) {
        sb.append("chunk ").append(c.offset()).append(' ').append(c.length()).append(' ')
            .append(c.digest().hex());
        c.encoding().ifPresent(e -> sb.append(' ').append(e.codec().wireName()).append(' ')
            .append(e.storedLength()));
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** Parses the canonical text; any deviation is an {@link InvalidManifest}. */
  public static Manifest decode(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 5 || !lines[0].equals(MAGIC) || !lines[lines.length - 1].isEmpty()) {
      throw new InvalidManifest("not a weightcast-manifest v1 text");
    }
    try {
      String model = value(lines[1], "model");
      String version = value(lines[2], "version");
      long chunkSize = Long.parseLong(value(lines[3], "chunk-size"));
      List<FileEntry> files = new ArrayList<>();
      int i = 4;
      while (i < lines.length - 1) {
        String[] f = lines[i++].split(" ", -1);
        if (f.length != 4 || !f[0].equals("file")) {
          throw new InvalidManifest("expected a file line at line " + i);
        }
        List<ChunkSpec> chunks = new ArrayList<>();
        while (i < lines.length - 1 && lines[i].startsWith("chunk ")) {
          String[] c = lines[i++].split(" ", -1);
          if (c.length != 4 && c.length != 6) {
            throw new InvalidManifest("malformed chunk line at line " + i);
          }
          ChunkSpec chunk = new ChunkSpec(chunks.size(), Long.parseLong(c[1]),
              Long.parseLong(c[2]), Digest.parse(c[3]));
          chunks.add(c.length == 4 ? chunk
              : chunk.withEncoding(ChunkEncoding.parse(c[4], Long.parseLong(c[5]))));
        }
        files.add(new FileEntry(URLDecoder.decode(f[3], StandardCharsets.UTF_8),
            Long.parseLong(f[1]), Digest.parse(f[2]), chunks));
      }
      Manifest manifest = new Manifest(model, version, chunkSize, files);
      if (!encode(manifest).equals(text)) {
        throw new InvalidManifest("manifest text is not in canonical form (lowercase hex, plain"
            + " decimal numbers, minimal percent-encoding)");
      }
      return manifest;
    } catch (IllegalArgumentException | io.weightcast.protocol.failure.InvalidArgument e) {
      throw new InvalidManifest("malformed manifest text: " + e.getMessage(), e);
    }
  }

  private static String value(String line, String key) {
    if (!line.startsWith(key + " ")) {
      throw new InvalidManifest("expected '" + key + "' line, got '" + line + "'");
    }
    return line.substring(key.length() + 1);
  }
}
