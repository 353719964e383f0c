package io.weightcast.agent.local;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.weightcast.agent.assemble.DataLayout;
import io.weightcast.agent.assemble.ModelStore;
import io.weightcast.protocol.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The per-model status files {@code DATA/state/local/MODEL.json} (written by the agent, read by
 * the agent at start and by {@code weightcast wait/path --data}), combined with the
 * {@code current} symlink, which is authoritative for the active version. Writes are temp file +
 * fsync + atomic rename + directory fsync. Blocking and stateless; call from a worker.
 */
public final class ModelStatusStore {
  private static final String SUFFIX = ".json";
  private final DataLayout layout;
  private final Path dir;

  public ModelStatusStore(Path dataDir) {
    this.layout = new DataLayout(dataDir);
    this.dir = layout.dataDir().resolve("state").resolve("local");
  }

  public DataLayout layout() {
    return layout;
  }

  public void save(ModelStatus s) {
    Path file = dir.resolve(Names.requireModel(s.model()) + SUFFIX);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + s.model() + SUFFIX + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(s.toJson().encode()));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The model's status as seen on disk, empty when the host has neither a status file nor a
   * {@code current} link for it. If the link names another version than the file (the agent
   * stopped between the two writes), the link wins and the digest is dropped.
   */
  public Optional<ModelStatus> observe(String model) throws IOException {
    Names.requireModel(model);
    Optional<ModelStatus> saved = readFile(model);
    Optional<String> current = ModelStore.currentVersion(layout.dataDir(), model);
    if (current.isEmpty()) {
      return saved.map(s -> s.active() ? new ModelStatus(model, "", "", "", 0,
          s.latestVersion(), s.latestState(), s.lastError(), null) : s);
    }
    String version = current.get();
    String path = layout.versionDir(model, version).toString();
    if (saved.isPresent() && saved.get().version().equals(version)) {
      ModelStatus s = saved.get();
      return Optional.of(new ModelStatus(model, version, path, s.manifestDigest(),
          s.activatedAtMs(), s.latestVersion(), s.latestState(), s.lastError(), s.warm()));
    }
    long at = Files.getLastModifiedTime(layout.currentLink(model), LinkOption.NOFOLLOW_LINKS)
        .toMillis();
    ModelStatus base = new ModelStatus(model, version, path, "", at, version, "ACTIVE", "", null);
    return Optional.of(saved.map(s -> base.withLatest(s.latestVersion(), s.latestState(),
        s.lastError())).orElse(base));
  }

  /** Every model with a model directory or a status file, observed. */
  public List<ModelStatus> observeAll() throws IOException {
    TreeSet<String> models = new TreeSet<>();
    collect(layout.modelsDir(), "", models);
    collect(dir, SUFFIX, models);
    List<ModelStatus> out = new ArrayList<>();
    for (String m : models) {
      observe(m).ifPresent(out::add);
    }
    return out;
  }

  private Optional<ModelStatus> readFile(String model) {
    Path file = dir.resolve(model + SUFFIX);
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      ModelStatus s = ModelStatus.fromJson(new JsonObject(Files.readString(file)));
      return s.model().equals(model) ? Optional.of(s) : Optional.empty();
    } catch (IOException | DecodeException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void collect(Path root, String suffix, TreeSet<String> into) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.endsWith(suffix) || name.startsWith(".")) {
          continue;
        }
        String model = name.substring(0, name.length() - suffix.length());
        if (model.matches("[A-Za-z0-9._-]{1,128}") && !model.equals("..")) {
          into.add(model);
        }
      }
    }
  }
}
