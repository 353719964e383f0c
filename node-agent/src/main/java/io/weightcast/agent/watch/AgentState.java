package io.weightcast.agent.watch;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ManifestText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The agent's small durable state under {@code DATA/state}: the watch position (last sequence
 * fully handled), per model the sequence of the version {@code current} points at, and the
 * manifests of versions held (so their chunks can be served after a restart). Every write is
 * temp file + fsync + atomic rename + directory fsync. Blocking; call from a worker.
 */
public final class AgentState {
  private final Path dir;

  public AgentState(Path dir) {
    this.dir = dir;
  }

  public long watchPosition() {
    return readLong(dir.resolve("watch-position")).orElse(0);
  }

  public void saveWatchPosition(long sequence) {
    writeAtomically(dir.resolve("watch-position"), Long.toString(sequence));
  }

  /** Sequence of the version activated last for {@code model}, if any. */
  public OptionalLong activeSequence(String model) {
    return readLong(dir.resolve("active").resolve(model));
  }

  public void saveActiveSequence(String model, long sequence) {
    writeAtomically(dir.resolve("active").resolve(model), Long.toString(sequence));
  }

  /** Remembers a held version's manifest (canonical text, first line its sequence). */
  public void saveManifest(CommittedVersion v) {
    Manifest m = v.manifest();
    writeAtomically(dir.resolve("manifests").resolve(m.model()).resolve(m.version()),
        v.sequence() + "\n" + ManifestText.encode(m));
  }

  public void forgetManifest(String model, String version) {
    try {
      Files.deleteIfExists(dir.resolve("manifests").resolve(model).resolve(version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every remembered manifest; unreadable ones are skipped (they are re-fetched on demand). */
  public List<CommittedVersion> manifests() {
    Path root = dir.resolve("manifests");
    List<CommittedVersion> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        try {
          out.add(CommittedVersion.of(ManifestText.decode(text.substring(nl + 1)),
              Long.parseLong(text.substring(0, nl)), 0));
        } catch (RuntimeException e) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static OptionalLong readLong(Path file) {
    try {
      return Files.exists(file)
          ? OptionalLong.of(Long.parseLong(Files.readString(file).trim())) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static void writeAtomically(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(content));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
