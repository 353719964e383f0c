package io.weightcast.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which local files a publish takes, and which it refuses before anything is uploaded. */
class ModelDirectoryTest {
  @TempDir
  Path tmp;

  private Path model() throws Exception {
    return Files.createDirectories(tmp.resolve("model"));
  }

  private static List<String> paths(List<ModelDirectory.LocalFile> files) {
    return files.stream().map(ModelDirectory.LocalFile::relativePath).collect(Collectors.toList());
  }

  private static InvalidArgument assertRefused(Path dir, String... fragments) {
    InvalidArgument e = assertThrows(InvalidArgument.class, () -> ModelDirectory.scan(dir));
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
    return e;
  }

  @Test
  void listsRegularFilesSortedByRelativePath() throws Exception {
    Path m = model();
    Files.createDirectories(m.resolve("a/deeper"));
    Files.createDirectories(m.resolve("empty-dir"));
    for (String p : List.of("b.bin", "a/deeper/z.txt", "a.txt", "A.txt", "a/x.txt")) {
      Files.writeString(m.resolve(p), p);
    }
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(m);
    assertEquals(List.of("A.txt", "a.txt", "a/deeper/z.txt", "a/x.txt", "b.bin"), paths(files));
    for (ModelDirectory.LocalFile f : files) {
      assertEquals(f.relativePath().length(), f.size());
      assertTrue(Files.isSameFile(m.resolve(f.relativePath()), f.path()));
    }
  }

  @Test
  void acceptsSymlinkInsideTheDirectory() throws Exception {
    Path m = model();
    Files.createDirectories(m.resolve("data"));
    Files.write(m.resolve("data/real.bin"), new byte[123]);
    Files.createSymbolicLink(m.resolve("alias.bin"), Path.of("data/real.bin"));
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(m);
    assertEquals(List.of("alias.bin", "data/real.bin"), paths(files));
    assertEquals(123, files.get(0).size());
  }

  @Test
  void acceptsARootThatIsASymlink() throws Exception {
    Path m = model();
    Files.writeString(m.resolve("w"), "w");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), m);
    assertEquals(List.of("w"), paths(ModelDirectory.scan(link)));
  }

  @Test
  void refusesSymlinkLeavingTheDirectory() throws Exception {
    Path m = model();
    Files.writeString(m.resolve("ok.txt"), "ok");
    Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(m.resolve("leak.txt"), outside);
    assertRefused(m, "leak.txt", "symlink leaves the directory");
  }

  @Test
  void refusesRelativeSymlinkClimbingOut() throws Exception {
    Path m = model();
    Files.createDirectories(m.resolve("sub"));
    Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(m.resolve("sub/leak"), Path.of("../../secret.txt"));
    assertRefused(m, "sub/leak", "symlink leaves the directory");
  }

  @Test
  void refusesSymlinkToADirectoryOutside() throws Exception {
    Path m = model();
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(outside.resolve("f"), "f");
    Files.createSymbolicLink(m.resolve("dir"), outside);
    assertRefused(m, "dir", "symlink leaves the directory");
  }

  @Test
  void refusesDanglingSymlink() throws Exception {
    Path m = model();
    Files.writeString(m.resolve("ok.txt"), "ok");
    Files.createSymbolicLink(m.resolve("dangling"), m.resolve("nothing-here"));
    assertRefused(m, "dangling");
  }

  @Test
  void refusesFifo() throws Exception {
    Assumptions.assumeTrue(ExternalTools.available("mkfifo"), "mkfifo not installed");
    Path m = model();
    Files.writeString(m.resolve("ok.txt"), "ok");
    ExternalTools.run(new byte[0], "mkfifo", m.resolve("pipe").toString());
    assertRefused(m, "pipe", "not a regular file");
  }

  @Test
  void refusesUnreadableFile() throws Exception {
    Path m = model();
    Path locked = Files.writeString(m.resolve("locked.bin"), "x");
    // Root reads a mode-000 file anyway (CI and sessions run as root), so the refusal can only
    // be observed as an ordinary user: skip there.
    Assumptions.assumeFalse(Integer.valueOf(0).equals(Files.getAttribute(locked, "unix:uid")),
        "running as root: chmod 000 does not stop root from reading");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    assertRefused(m, "locked.bin", "not readable");
  }

  @Test
  void refusesFileNameWithBackslash() throws Exception {
    Path m = model();
    Files.writeString(m.resolve("a\\b.bin"), "x");
    assertRefused(m, "'/' separators");
  }

  @Test
  void reportsEveryProblemAtOnce() throws Exception {
    Assumptions.assumeTrue(ExternalTools.available("mkfifo"), "mkfifo not installed");
    Path m = model();
    ExternalTools.run(new byte[0], "mkfifo", m.resolve("pipe").toString());
    Files.createSymbolicLink(m.resolve("leak"), Files.writeString(tmp.resolve("s"), "s"));
    assertRefused(m, "pipe: not a regular file", "leak: symlink leaves the directory");
  }

  @Test
  void refusesEmptyDirectory() throws Exception {
    assertRefused(model(), "no files to publish");
  }

  @Test
  void refusesDirectoryWithOnlyEmptySubdirectories() throws Exception {
    Path m = model();
    Files.createDirectories(m.resolve("a/b"));
    assertRefused(m, "no files to publish");
  }

  @Test
  void refusesARegularFileAsRoot() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "f");
    assertRefused(f, "not a directory");
  }
}
