package io.weightcast.protocol;

import static io.weightcast.protocol.ManifestSamples.CHUNK;
import static io.weightcast.protocol.ManifestSamples.assertInvalid;
import static io.weightcast.protocol.ManifestSamples.digestOf;
import static io.weightcast.protocol.ManifestSamples.manifest;
import static io.weightcast.protocol.ManifestSamples.tiled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.weightcast.protocol.failure.InvalidManifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The canonical manifest text and the manifest digest (protocol/README.md). */
class ManifestTextTest {
  private static final String D1 = digestOf("one").hex();
  private static final String D2 = digestOf("two").hex();
  private static final String D3 = digestOf("three").hex();

  /** A small manifest and its canonical text, written out by hand from the README grammar. */
  private static final String GOLDEN = "weightcast-manifest v1\n"
      + "model llama-3\n"
      + "version 2024.06_a\n"
      + "chunk-size 4096\n"
      + "file 4100 " + D1 + " dir+with+space%2F%C3%BC+%E6%A8%A1%E5%9E%8B+a%2Bb%25.bin\n"
      + "chunk 0 4096 " + D2 + "\n"
      + "chunk 4096 4 " + D3 + "\n"
      + "file 0 " + D1 + " empty\n";

  private static Manifest goldenManifest() {
    return new Manifest("llama-3", "2024.06_a", 4096, List.of(
        new FileEntry("dir with space/ü 模型 a+b%.bin", 4100, Digest.parse(D1), List.of(
            new ChunkSpec(0, 0, 4096, Digest.parse(D2)),
            new ChunkSpec(1, 4096, 4, Digest.parse(D3)))),
        new FileEntry("empty", 0, Digest.parse(D1), List.of())));
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void encodesTheExactCanonicalText() {
    assertEquals(GOLDEN, ManifestText.encode(goldenManifest()));
  }

  @Test
  void decodesTheCanonicalText() {
    assertEquals(goldenManifest(), ManifestText.decode(GOLDEN));
  }

  @Test
  void digestIsSha256OfTheCanonicalText() throws Exception {
    assertEquals(sha256Hex(GOLDEN), goldenManifest().digest().hex());
  }

  /** The example of protocol/README.md, "Canonical manifest text": keep the two in step. */
  @Test
  void digestOfTheReadmeExampleIsPinned() {
    assertEquals("758160d0efdeaa9b6993ba0bafe36ac44564b67a71d7a6c2e82c2f2dc1b8afcd",
        goldenManifest().digest().hex());
  }

  @Test
  void roundTripsPathsWithSpacesUnicodeAndReservedCharacters() {
    Manifest m = manifest(tiled("config.json", 700),
        tiled("tokenizer dir/vocab ünï 模型 🦙.txt", CHUNK + 1),
        tiled("odd/a+b=c&d%20e~f*g'h(i)!.bin", 3 * CHUNK),
        tiled("zero", 0));
    String text = ManifestText.encode(m);
    Manifest back = ManifestText.decode(text);
    assertEquals(m, back);
    assertEquals(text, ManifestText.encode(back));
  }

  @Test
  void digestIsStableAcrossRoundTrip() {
    Manifest m = manifest(tiled("a b/ü.bin", 5 * CHUNK + 3), tiled("c", 1));
    Manifest back = ManifestText.decode(ManifestText.encode(m));
    assertEquals(m.digest(), back.digest());
    assertEquals(m.digest(), ManifestText.decode(ManifestText.encode(back)).digest());
  }

  @Test
  void digestDiffersWhenOneChunkDigestChanges() {
    Manifest m = manifest(tiled("a", 3 * CHUNK), tiled("b", 10));
    FileEntry a = m.files().get(0);
    List<ChunkSpec> chunks = new ArrayList<>(a.chunks());
    ChunkSpec old = chunks.get(1);
    chunks.set(1, new ChunkSpec(old.index(), old.offset(), old.length(), digestOf("other")));
    Manifest changed = manifest(new FileEntry("a", a.size(), a.digest(), chunks), m.files().get(1));
    assertNotEquals(m.digest(), changed.digest());
  }

  @Test
  void digestDiffersWhenAnyHeaderFieldChanges() {
    Manifest m = manifest(tiled("a", 10));
    assertNotEquals(m.digest(), new Manifest("llama", "v2", CHUNK, m.files()).digest());
    assertNotEquals(m.digest(), new Manifest("llama2", "v1", CHUNK, m.files()).digest());
    assertNotEquals(m.digest(), new Manifest("llama", "v1", 2 * CHUNK, m.files()).digest());
  }

  @Test
  void roundTripsAManifestWithoutFiles() {
    Manifest m = new Manifest("m", "v", CHUNK, List.of());
    assertEquals("weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\n",
        ManifestText.encode(m));
    assertEquals(m, ManifestText.decode(ManifestText.encode(m)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "\n",
      "weightcast-manifest v2\nmodel m\nversion v\nchunk-size 4096\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096",
      "weightcast-manifest v1\nversion v\nmodel m\nchunk-size 4096\n",
      "weightcast-manifest v1\nmodel m\nversion v\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size x\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\n\n",
      "weightcast-manifest v1\r\nmodel m\r\nversion v\r\nchunk-size 4096\r\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 zz a\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile x %s a\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s a b\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nchunk 0 1 %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s a\nchunk 0 1\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s a\nchunk 0 x %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s a\nchunk 0 0 %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 2 %s a\nchunk 0 1 %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s %2Fa\nchunk 0 1 %s\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nfile 1 %s a%zz\nchunk 0 1 %s\n",
      "weightcast-manifest v1\nmodel m\nversion current\nchunk-size 4096\n",
      "weightcast-manifest v1\nmodel m\nversion v\nchunk-size 4096\nnote hello\n"})
  void rejectsMalformedText(String template) {
    String text = template.replace("%s", D1);
    assertInvalid(() -> ManifestText.decode(text));
  }

  void rejectsNonCanonicalText(String variant) {
    String canonical = ManifestText.encode(manifest(tiled("ab", 10)));
    String text = switch (variant) {
      case "uppercase-hex" -> canonical.replace(digestOf("file ab").hex(),
          digestOf("file ab").hex().toUpperCase());
      case "leading-zero" -> canonical.replace("chunk-size 4096", "chunk-size 04096");
      case "plus-sign" -> canonical.replace("file 10 ", "file +10 ");
      default -> canonical.replace(" ab\n", " %61b\n");
    };
    assertNotEquals(canonical, text);
    assertInvalid(() -> ManifestText.decode(text));
  }

  @Test
  void malformedTextIsNotRetryable() {
    InvalidManifest e = assertInvalid(() -> ManifestText.decode("nonsense\n"));
    assertEquals(InvalidManifest.CODE, e.code());
    assertFalse(e.retryable());
  }
}
