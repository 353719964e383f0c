package io.weightcast.registry.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.registry.control.ControlAction;
import io.weightcast.registry.control.ControlService;
import io.weightcast.registry.control.ControlSharing;
import io.weightcast.registry.control.ControlStore;
import io.weightcast.registry.control.ModelControl;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' control state (pin, withdrawn, paused) shared by every registry of the cluster,
 * so a pin made on one registry holds after a failover to another: the IMap
 * {@code weightcast.control}, model to {@code {"control": ModelControl, "action": last action}}
 * (ControlStore's JSON forms).
 *
 * <p>A change (any registry may make one): compare-and-set against the state the registry saw
 * ({@code putIfAbsent} for a model without one, else {@code replace(old, new)}); a registry that
 * lost the race answers UNAVAILABLE (retry) and changes nothing. Every registry, the writer too,
 * applies entries from the map's events on its own context ({@link ControlService#adopt}, which
 * ignores what it already has) and keeps its local {@code control.json} as a copy. Start:
 * (1) offer the local state to the map (a full-cluster restart reseeds it from the registries'
 * files; the map wins where it already has an entry); (2) listen; (3) adopt everything the map
 * holds. Hazelcast calls run on {@code worker} or on the log worker (inside {@link #share}).
 */
final class ReplicatedControl implements ControlSharing {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedControl.class);

  private final Context context;
  private final ControlService control;
  private final WorkerExecutor worker;
  private final IMap<String, String> map;
  private UUID listener;

  ReplicatedControl(Context context, ControlService control, WorkerExecutor worker,
      IMap<String, String> map) {
    this.context = context;
    this.control = control;
    this.worker = worker;
    this.map = map;
  }

  Future<Void> start() {
    Map<String, ModelControl> local = control.controls();
    return worker.executeBlocking(() -> {
      local.forEach((model, c) -> map.putIfAbsent(model, encode(c, null)));
      listener = map.addEntryListener(new Listener(), true);
      return new HashMap<>(map);
    }, false).compose(all -> {
      all.forEach(this::adopt);
      control.shareWith(this);
      return Future.<Void>succeededFuture();
    });
  }

  @Override
  public void share(String model, ModelControl before, ModelControl next, ControlAction done) {
    String value = encode(next, done);
    String current = map.get(model);
    boolean written;
    if (current == null) {
      written = before.equals(ModelControl.NONE) && map.putIfAbsent(model, value) == null;
    } else {
      written = decodeControl(current).equals(before) && map.replace(model, current, value);
    }
    if (!written) {
      throw new Unavailable("the control state of model '" + model
          + "' changed on another registry meanwhile; retry");
    }
  }

  private void adopt(String model, String value) {
    try {
      JsonObject json = new JsonObject(value);
      JsonObject action = json.getJsonObject("action");
      control.adopt(model, ControlStore.control(json.getJsonObject("control")),
              action == null ? null : ControlStore.action(action))
          .onFailure(e -> LOG.warn("cannot adopt the shared control state of {}: {}", model,
              e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("ignoring an unreadable shared control state of {}: {}", model, e.getMessage());
    }
  }

  static String encode(ModelControl c, ControlAction done) {
    return new JsonObject().put("control", ControlStore.json(c))
        .put("action", done == null ? null : ControlStore.json(done)).encode();
  }

  private static ModelControl decodeControl(String value) {
    return ControlStore.control(new JsonObject(value).getJsonObject("control"));
  }

  Future<Void> stop() {
    control.shareWith(ControlSharing.LOCAL);
    return worker.executeBlocking(() -> listener == null || map.removeEntryListener(listener),
        false).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Hazelcast event threads hand every added or updated entry to the registry's context. */
  private final class Listener implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      context.runOnContext(v -> adopt(e.getKey(), e.getValue()));
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      context.runOnContext(v -> adopt(e.getKey(), e.getValue()));
    }
  }
}
