package io.weightcast.protocol;

import io.weightcast.protocol.failure.InvalidArgument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scans a model directory for the files to publish, refusing before anything is uploaded: symlinks
 * that leave the directory, special files (devices, sockets, FIFOs) and unreadable files. Symlinks
 * that stay inside are followed and published as regular files. Blocking: call from a worker.
 */
public final class ModelDirectory {
  /** A regular file to publish: its path relative to the root ('/' separators) and where it is. */
  public record LocalFile(String relativePath, Path path, long size) {}

  private ModelDirectory() {}

  /** Every regular file under {@code root}, sorted by relative path. */
  public static List<LocalFile> scan(Path root) {
    if (!java.nio.file.Files.isDirectory(root)) {
      throw new InvalidArgument("not a directory: " + root);
    }
    try {
      Path realRoot = root.toRealPath();
      if (!Files.isDirectory(realRoot)) {
        throw new InvalidArgument("not a directory: " + root);
      }
      List<LocalFile> out = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(realRoot, FileVisitOption.FOLLOW_LINKS)) {
        walk.filter(p -> !p.equals(realRoot)).forEach(p -> classify(realRoot, p, out, problems));
      }
      if (!problems.isEmpty()) {
        throw new InvalidArgument("refusing to publish " + root + ":\n  "
            + String.join("\n  ", problems));
      }
      out.sort(Comparator.comparing(LocalFile::relativePath));
      if (out.isEmpty()) {
        throw new InvalidArgument("no files to publish in " + root);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new InvalidArgument("cannot read " + root + ": " + e.getCause().getMessage(), e);
    }
  }

  private static void classify(Path root, Path p, List<LocalFile> out, List<String> problems) {
    String rel = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    try {
      if (Files.isSymbolicLink(p)) {
        Path target = p.toRealPath();
        if (!target.startsWith(root)) {
          problems.add(rel + ": symlink leaves the directory (-> " + target + ")");
          return;
        }
      }
      if (Files.isDirectory(p)) {
        return;
      }
      if (!Files.isRegularFile(p)) {
        problems.add(rel + ": not a regular file (device, socket or FIFO)");
        return;
      }
      if (!Files.isReadable(p)) {
        problems.add(rel + ": not readable");
        return;
      }
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
        problems.add(rel + ": not a regular file");
        return;
      }
      Names.requireRelativePath(rel);
      out.add(new LocalFile(rel, p, Files.size(p)));
    } catch (IOException e) {
      problems.add(rel + ": " + e.getMessage());
    } catch (RuntimeException e) {
      problems.add(rel + ": " + e.getMessage());
    }
  }
}
