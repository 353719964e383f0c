package io.weightcast.agent.assemble;

import io.weightcast.protocol.Names;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.NotFound;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The published versions of the agent's models ({@link DataLayout}): which one is active, and
 * which are kept. Stateless and blocking; calls for one model must be serialized by the caller
 * (the agent owns each model's state on one context), and must not delete a version that an open
 * {@link VersionAssembly} is working on.
 */
public final class ModelStore {
  private static final String TMP_LINK_PREFIX = ".current-";
  private static final String DELETING_PREFIX = ".deleting-";

  private ModelStore() {}

  /**
   * Points {@code DATA/models/MODEL/current} at {@code version} atomically and returns the version
   * it pointed at before. A relative symlink is created under a temporary name (starting with '.',
   * which no version can) and renamed over {@code current}, so {@code current} always resolves to
   * a complete version; then the model dir is fsynced. Fails with {@link NotFound} if the version
   * is not published.
   */
  public static Optional<String> activate(Path dataDir, String model, String version)
      throws IOException {
    DataLayout layout = new DataLayout(dataDir);
    Path versionDir = layout.versionDir(model, version);
    if (!Files.isDirectory(versionDir, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFound(model + "/" + version + " is not published under " + layout.modelsDir());
    }
    Optional<String> previous = currentVersion(dataDir, model);
    Path modelDir = layout.modelDir(model);
    Path tmp = modelDir.resolve(TMP_LINK_PREFIX + UUID.randomUUID() + ".tmp");
    Files.createSymbolicLink(tmp, Path.of(version));
    try {
      Files.move(tmp, layout.currentLink(model), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    DurableFiles.syncDir(modelDir);
    return previous;
  }

  /** The version {@code current} points at, if the model has one. */
  public static Optional<String> currentVersion(Path dataDir, String model) throws IOException {
    Path link = new DataLayout(dataDir).currentLink(model);
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    Path target = Files.readSymbolicLink(link);
    if (target.isAbsolute() || target.getNameCount() != 1) {
      throw new IOException(link + " points at '" + target + "', not at a version of " + model);
    }
    return Optional.of(target.toString());
  }

  /**
   * The published versions of a model, newest first: by the version dir's modification time,
   * which {@link VersionAssembly#finish} stamps with the publish time, then by name (descending).
   */
  public static List<String> versions(Path dataDir, String model) throws IOException {
    Path modelDir = new DataLayout(dataDir).modelDir(model);
    Map<String, FileTime> published = new TreeMap<>();
    if (!Files.isDirectory(modelDir)) {
      return List.of();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (isVersionName(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          published.put(name, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
        }
      }
    }
    List<String> out = new ArrayList<>(published.keySet());
    out.sort(Comparator.comparing((String v) -> published.get(v)).thenComparing(v -> v)
        .reversed());
    return out;
  }

  /**
   * Keeps the {@code keep} newest published versions ({@link #versions} order) plus the current
   * one, wherever it ranks, and deletes the others; returns the deleted versions. A version is
   * first renamed to a '.'-prefixed name (it disappears at once, never half-deleted under its own
   * name), then removed. Leftover temporary links and half-deleted dirs are removed as well.
   */
  public static List<String> retain(Path dataDir, String model, int keep) throws IOException {
    if (keep < 0) {
      throw new InvalidArgument("keep must be >= 0, got " + keep);
    }
    Path modelDir = new DataLayout(dataDir).modelDir(model);
    List<String> newestFirst = versions(dataDir, model);
    Optional<String> current = currentVersion(dataDir, model);
    List<String> deleted = new ArrayList<>();
    for (String version : newestFirst.subList(Math.min(keep, newestFirst.size()),
        newestFirst.size())) {
      if (current.isEmpty() || !current.get().equals(version)) {
        Path doomed = modelDir.resolve(DELETING_PREFIX + version + "-" + UUID.randomUUID());
        Files.move(modelDir.resolve(version), doomed, StandardCopyOption.ATOMIC_MOVE);
        deleted.add(version);
      }
    }
    if (Files.isDirectory(modelDir)) {
      DurableFiles.syncDir(modelDir);
      removeLeftovers(modelDir);
    }
    return List.copyOf(deleted);
  }

  /**
   * Deletes the staging dirs and journals of every version of {@code model} not in
   * {@code wanted}; returns the versions whose leftovers were removed. Only on request: staged
   * work of an unwanted version may still be worth resuming until the caller decides otherwise.
   */
  public static Set<String> discardStaging(Path dataDir, String model, Collection<String> wanted)
      throws IOException {
    DataLayout layout = new DataLayout(dataDir);
    Path stagingModelDir = layout.stagingModelDir(model);
    if (!Files.isDirectory(stagingModelDir)) {
      return Set.of();
    }
    Set<String> unwanted = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(stagingModelDir)) {
      for (Path p : entries) {
        String version = stagedVersionOf(p.getFileName().toString());
        if (version != null && !wanted.contains(version)) {
          unwanted.add(version);
        }
      }
    }
    for (String version : unwanted) {
      Staging.discard(layout.stagingDir(model, version), layout.journal(model, version));
      DurableFiles.deleteTree(layout.journal(model, version).resolveSibling(
          layout.journal(model, version).getFileName() + ".tmp"));
    }
    return Set.copyOf(unwanted);
  }

  /** The version of a staging entry: "V" (staging dir), ".V.journal" or ".V.journal.tmp". */
  private static String stagedVersionOf(String name) {
    String v = name;
    if (v.startsWith(".")) {
      v = v.endsWith(DataLayout.JOURNAL_SUFFIX + ".tmp")
          ? v.substring(1, v.length() - DataLayout.JOURNAL_SUFFIX.length() - 4)
          : v.endsWith(DataLayout.JOURNAL_SUFFIX)
              ? v.substring(1, v.length() - DataLayout.JOURNAL_SUFFIX.length()) : "";
    }
    return isVersionName(v) ? v : null;
  }

  private static boolean isVersionName(String name) {
    try {
      Names.requireVersion(name);
      return true;
    } catch (InvalidManifest e) {
      return false;
    }
  }

  private static void removeLeftovers(Path modelDir) throws IOException {
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir,
        p -> p.getFileName().toString().startsWith(DELETING_PREFIX)
            || p.getFileName().toString().startsWith(TMP_LINK_PREFIX))) {
      entries.forEach(leftovers::add);
    }
    for (Path p : leftovers) {
      DurableFiles.deleteTree(p);
    }
  }
}
