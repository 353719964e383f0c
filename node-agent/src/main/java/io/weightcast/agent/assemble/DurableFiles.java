package io.weightcast.agent.assemble;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** fsync and delete helpers for files and directories. Stateless, blocking, thread-safe. */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * fsyncs a directory so that entries created, renamed or removed in it survive a crash. Opening
   * a directory READ and forcing it works on Linux (the JDK opens it O_RDONLY and calls fsync).
   */
  static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** fsyncs a file's data and metadata. */
  static void syncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** fsyncs every directory under and including {@code root}, deepest first. */
  static void syncTree(Path root) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      syncDir(dirs.get(i));
    }
  }

  /** Creates {@code dir} and its missing parents, fsyncing each parent that gained an entry. */
  static void createDirs(Path dir) throws IOException {
    Path missing = dir;
    List<Path> created = new ArrayList<>();
    while (missing != null && Files.notExists(missing, LinkOption.NOFOLLOW_LINKS)) {
      created.add(0, missing);
      missing = missing.getParent();
    }
    for (Path p : created) {
      Files.createDirectories(p);
      syncDir(p.getParent());
    }
  }

  /** Deletes a file or a directory tree without following symlinks; absent is fine. */
  static void deleteTree(Path root) throws IOException {
    if (Files.notExists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
