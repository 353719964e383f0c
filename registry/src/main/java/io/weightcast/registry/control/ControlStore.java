package io.weightcast.registry.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The control state on disk: {@code DATA/control.json}, rewritten whole on every change (temp
 * file, fsync, atomic rename, directory fsync), so a crash leaves the old or the new state, never
 * a mix. Blocking; call on the registry's log worker.
 */
public final class ControlStore {
  /** The audit list keeps the newest actions only. */
  public static final int MAX_ACTIONS = 1_000;

  /** What the file holds. */
  public record Snapshot(Map<String, ModelControl> models, List<ControlAction> actions) {
    public Snapshot {
      models = Map.copyOf(models);
      actions = List.copyOf(actions);
    }
  }

  private final Path file;

  public ControlStore(Path dataDir) {
    this.file = dataDir.resolve("control.json");
  }

  /** Reads the file; an absent file is the empty state, an unreadable one fails the start. */
  public Snapshot load() {
    if (!Files.exists(file)) {
      return new Snapshot(Map.of(), List.of());
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      Map<String, ModelControl> models = new LinkedHashMap<>();
      json.getJsonObject("models", new JsonObject()).forEach(e ->
          models.put(e.getKey(), control((JsonObject) e.getValue())));
      List<ControlAction> actions = new ArrayList<>();
      for (Object o : json.getJsonArray("actions", new JsonArray())) {
        actions.add(action((JsonObject) o));
      }
      return new Snapshot(models, actions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("corrupt control state " + file + ": " + e.getMessage(), e);
    }
  }

  public void save(Snapshot s) {
    JsonObject models = new JsonObject();
    s.models().forEach((model, c) -> models.put(model, json(c)));
    JsonArray actions = new JsonArray();
    s.actions().forEach(a -> actions.add(json(a)));
    write(new JsonObject().put("models", models).put("actions", actions).encodePrettily());
  }

  public static JsonObject json(ControlAction a) {
    return new JsonObject().put("action", a.action()).put("model", a.model())
        .put("version", a.version()).put("who", a.who()).put("atMs", a.atMs());
  }

  /** The inverse of {@link #json(ControlAction)}. */
  public static ControlAction action(JsonObject a) {
    return new ControlAction(a.getString("action"), a.getString("model"),
        a.getString("version"), a.getString("who"), a.getLong("atMs"));
  }

  /** One model's control as stored (also the cluster's record, registry/.../cluster). */
  public static JsonObject json(ModelControl c) {
    return new JsonObject().put("pinned", c.pinned().orElse(null))
        .put("withdrawn", new JsonArray(List.copyOf(c.withdrawn())))
        .put("paused", new JsonArray(List.copyOf(c.paused())));
  }

  /** The inverse of {@link #json(ModelControl)}. */
  public static ModelControl control(JsonObject m) {
    return new ModelControl(Optional.ofNullable(m.getString("pinned")),
        strings(m.getJsonArray("withdrawn")), strings(m.getJsonArray("paused")));
  }

  private void write(String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(content);
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static TreeSet<String> strings(JsonArray a) {
    TreeSet<String> out = new TreeSet<>();
    if (a != null) {
      a.forEach(o -> out.add((String) o));
    }
    return out;
  }
}
