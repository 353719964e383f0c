package io.weightcast.protocol.testing;

import com.google.protobuf.ByteString;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.v1.Chunk;
import io.weightcast.protocol.v1.FileEntry;
import io.weightcast.protocol.v1.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A corpus of hostile manifests in their wire form (a valid base manifest with one rule broken),
 * each with a fragment its refusal message must contain. Shared by the protocol, registry and
 * agent tests, so the same corpus is refused at every edge a manifest can arrive through.
 *
 * <p>The base: model "m", version "v1", chunk_size 4096, files "a.bin" (10000 bytes: chunks of
 * 4096, 4096, 1808) and "dir/b.bin" (4096 bytes, one chunk). Digests are arbitrary but
 * well-formed: validation must refuse every case before any chunk is looked up.
 */
public final class MaliciousManifests {
  /** One hostile manifest: {@code name} for the test report, the wire form, the expected text. */
  public record Case(String name, Manifest wire, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Where an absolute-path case points; no test may ever find a file there. */
  public static final String ABSOLUTE_TARGET = "/tmp/weightcast-malicious-absolute.bin";
  /** The file name every escaping case aims at, relative to wherever it resolves. */
  public static final String ESCAPE_NAME = "weightcast-malicious-escape.bin";

  private static final ByteString SHA = ByteString.copyFrom(
      Digest.sha256(new byte[] {42}).bytes());

  private MaliciousManifests() {}

  /** The valid manifest every case starts from. */
  public static Manifest base() {
    return Manifest.newBuilder().setModel("m").setVersion("v1").setChunkSize(4096)
        .addFiles(file("a.bin", 10_000, 4096, 4096, 1808))
        .addFiles(file("dir/b.bin", 4096, 4096)).build();
  }

  public static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    path(out, "absolute path", ABSOLUTE_TARGET, "must be relative");
    path(out, "dot-dot escape", "../../" + ESCAPE_NAME, "'..' segments");
    path(out, "dot-dot inside", "dir/../../" + ESCAPE_NAME, "'..' segments");
    path(out, "dot segment", "./a.bin", "'.' or '..' segments");
    path(out, "empty segment", "dir//a.bin", "empty, '.' or '..' segments");
    path(out, "empty path", "", "must not be empty");
    path(out, "backslash escape", "..\\..\\" + ESCAPE_NAME, "'/' separators");
    path(out, "NUL byte", "a.bin\u0000.sh", "control character");
    path(out, "newline", "a\nb.bin", "control character");
    path(out, "very long path", "d/".repeat(600) + "x.bin", "longer than 1024");
    path(out, "very long file name", "n".repeat(300) + ".bin", "segment longer than 255");
    out.add(edit("duplicate path", "repeats", m -> m.setFiles(1,
        m.getFiles(1).toBuilder().setPath("a.bin"))));
    out.add(edit("case-colliding paths", "differ only by case", m -> m.setFiles(1,
        m.getFiles(1).toBuilder().setPath("A.BIN"))));
    out.add(edit("Kelvin-sign case collision", "differ only by case", m -> m.setFiles(1,
        m.getFiles(1).toBuilder().setPath("dir/\u212a.bin")).addFiles(file("dir/k.bin", 0))));
    out.add(edit("file is also a directory", "also a directory", m -> m.setFiles(1,
        m.getFiles(1).toBuilder().setPath("a.bin/b.bin"))));
    chunks(out, "overlapping chunks", "do not tile", 10_000, 0, 4096, 2048, 4096, 6144, 3856);
    chunks(out, "missing middle chunk", "do not tile", 10_000, 0, 4096, 8192, 1808);
    chunks(out, "missing last chunk", "cover 8192 bytes but the file has 10000", 10_000,
        0, 4096, 4096, 4096);
    chunks(out, "chunks out of order", "do not tile", 10_000, 4096, 4096, 0, 4096, 8192, 1808);
    chunks(out, "first chunk not at zero", "do not tile", 10_000, 1, 4096, 4097, 4096, 8193,
        1807);
    chunks(out, "chunks beyond the file", "cover 12288 bytes but the file has 10000", 10_000,
        0, 4096, 4096, 4096, 8192, 4096);
    chunks(out, "zero-length chunk", "length must be in (0, 2^31)", 10_000, 0, 4096, 4096, 0,
        4096, 4096, 8192, 1808);
    chunks(out, "negative chunk length", "length of chunk 1 of 'a.bin' is 18446744073709551615",
        10_000, 0, 4096, 4096, -1);
    chunks(out, "chunk offset beyond a long", "offset of chunk 1 of 'a.bin' is 9223372036854775808",
        10_000, 0, 4096, Long.MIN_VALUE, 4096);
    chunks(out, "chunk end overflows a long", "do not tile", 10_000, 0, 4096,
        Long.MAX_VALUE - 100, 4096);
    out.add(edit("file size beyond a long", "size of 'a.bin' is 18446744073709551615",
        m -> m.setFiles(0, m.getFiles(0).toBuilder().setSize(-1))));
    out.add(edit("file size near 2^63", "cover 10000 bytes but the file has "
        + Long.MAX_VALUE, m -> m.setFiles(0, m.getFiles(0).toBuilder()
            .setSize(Long.MAX_VALUE))));
    out.add(edit("chunk larger than chunk_size", "larger than chunk_size", m -> m.setChunkSize(4096)
        .setFiles(1, file("dir/b.bin", 8192, 8192))));
    out.add(edit("zero chunk_size", "chunk_size must be in", m -> m.setChunkSize(0)));
    out.add(edit("chunk_size beyond a long", "chunk_size is 18446744073709551615",
        m -> m.setChunkSize(-1)));
    out.add(edit("short chunk digest", "sha256 must be 32 bytes", m -> m.setFiles(0,
        m.getFiles(0).toBuilder().setChunks(0, m.getFiles(0).getChunks(0).toBuilder()
            .setSha256(ByteString.copyFrom(new byte[5]))))));
    out.add(edit("missing file digest", "sha256 must be 32 bytes", m -> m.setFiles(0,
        m.getFiles(0).toBuilder().clearSha256())));
    out.add(edit("model name escapes", "model must be", m -> m.setModel("../m")));
    out.add(edit("version named current", "version must not be 'current'",
        m -> m.setVersion("current")));
    out.add(edit("version is dot-dot", "version must be", m -> m.setVersion("..")));
    out.add(edit("version with a slash", "version must be", m -> m.setVersion("v1/../../x")));
    return out;
  }

  private static void path(List<Case> out, String name, String path, String expected) {
    out.add(edit(name, expected, m -> m.setFiles(1, m.getFiles(1).toBuilder().setPath(path))));
  }

  /** Replaces a.bin's chunks with (offset, length) pairs. */
  private static void chunks(List<Case> out, String name, String expected, long size,
      long... offsetLength) {
    out.add(edit(name, expected, m -> {
      FileEntry.Builder f = m.getFiles(0).toBuilder().setSize(size).clearChunks();
      for (int i = 0; i < offsetLength.length; i += 2) {
        f.addChunks(Chunk.newBuilder().setOffset(offsetLength[i]).setLength(offsetLength[i + 1])
            .setSha256(SHA));
      }
      return m.setFiles(0, f);
    }));
  }

  private static Case edit(String name, String expected, UnaryOperator<Manifest.Builder> edit) {
    return new Case(name, edit.apply(base().toBuilder()).build(), expected);
  }

  /** A file whose chunks of the given lengths tile it from offset 0. */
  private static FileEntry file(String path, long size, long... lengths) {
    FileEntry.Builder f = FileEntry.newBuilder().setPath(path).setSize(size).setSha256(SHA);
    long offset = 0;
    for (long length : lengths) {
      f.addChunks(Chunk.newBuilder().setOffset(offset).setLength(length).setSha256(SHA));
      offset += length;
    }
    return f.build();
  }
}
