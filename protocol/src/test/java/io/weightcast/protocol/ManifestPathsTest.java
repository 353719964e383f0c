package io.weightcast.protocol;

import static io.weightcast.protocol.ManifestSamples.assertInvalid;
import static io.weightcast.protocol.ManifestSamples.manifest;
import static io.weightcast.protocol.ManifestSamples.tiled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path rules of a manifest (protocol/README.md, "Names and paths"). */
class ManifestPathsTest {

  @Test
  void acceptsNestedPathsWithSpacesAndUnicode() {
    Manifest m = manifest(tiled("config.json", 10), tiled("tokenizer/vocab ünï 模型.txt", 5),
        tiled("a.b/c-d_e/f", 1));
    assertEquals(3, m.files().size());
  }

  @Test
  void rejectsAbsolutePath() {
    assertInvalid(() -> manifest(tiled("/etc/passwd", 10)), "must be relative", "/etc/passwd");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../x", "a/../b", "a/.."})
  void rejectsPathWithDotDotSegment(String path) {
    assertInvalid(() -> manifest(tiled(path, 10)), "'..' segments", path);
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "./a", "a/./b"})
  void rejectsPathWithDotSegment(String path) {
    assertInvalid(() -> manifest(tiled(path, 10)), "'.'", path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b", "a/", "dir/sub/"})
  void rejectsPathWithEmptySegment(String path) {
    assertInvalid(() -> manifest(tiled(path, 10)), "empty", path);
  }

  @Test
  void rejectsEmptyPath() {
    assertInvalid(() -> manifest(tiled("", 10)), "file path must not be empty");
  }

  @Test
  void rejectsRepeatedPath() {
    assertInvalid(() -> manifest(tiled("w.bin", 10), tiled("w.bin", 20)), "repeats", "'w.bin'");
  }

  @Test
  void rejectsPathsDifferingOnlyByCase() {
    assertInvalid(() -> manifest(tiled("Model.bin", 10), tiled("model.bin", 20)),
        "differ only by case", "model.bin");
  }

  @Test
  void rejectsFileThatIsAlsoADirectoryOfAnotherFile() {
    assertInvalid(() -> manifest(tiled("a", 10), tiled("a/b/c", 20)),
        "'a' is also a directory of 'a/b/c'");
    assertInvalid(() -> manifest(tiled("x/y/z", 10), tiled("x/y", 20)),
        "'x/y' is also a directory of 'x/y/z'");
  }

  @Test
  void acceptsSiblingsSharingAPrefix() {
    assertEquals(2, manifest(tiled("a", 10), tiled("ab/c", 20)).files().size());
  }

  @Test
  void rejectsBackslash() {
    assertInvalid(() -> manifest(tiled("dir\\w.bin", 10)), "'/' separators");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\tb", "a\u0000b", "a\rb", "a\u007fb", "a\u001fb"})
  void rejectsControlCharacters(String path) {
    assertInvalid(() -> manifest(tiled(path, 10)), "control character", "a?b");
  }

  @Test
  void rejectsPathLongerThanTheLimit() {
    String ok = ("p".repeat(254) + "/").repeat(4) + "pppp";
    assertEquals(Names.MAX_PATH_LENGTH, ok.length());
    assertEquals(ok, manifest(tiled(ok, 1)).files().get(0).path());
    assertInvalid(() -> manifest(tiled(ok + "p", 1)), "longer than " + Names.MAX_PATH_LENGTH);
  }

  /** A name longer than NAME_MAX could never be created on an agent. */
  @Test
  void rejectsSegmentLongerThan255BytesOfUtf8() {
    String ok = "d/" + "\u00e9".repeat(127) + "x";
    assertEquals(ok, manifest(tiled(ok, 1)).files().get(0).path());
    assertInvalid(() -> manifest(tiled("d/" + "\u00e9".repeat(128), 1)),
        "segment longer than 255 bytes (256)");
  }

  @Test
  void rejectsMoreThanMaxFiles() {
    List<FileEntry> files = new ArrayList<>();
    FileEntry empty = tiled("f", 0);
    for (int i = 0; i <= Manifest.MAX_FILES; i++) {
      files.add(new FileEntry("f" + i, 0, empty.digest(), List.of()));
    }
    assertInvalid(() -> new Manifest("m", "v", ManifestSamples.CHUNK, files),
        "at most " + Manifest.MAX_FILES + " files");
  }
}
