package io.weightcast.registry.control;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.registry.catalog.VersionCatalog;
import io.weightcast.registry.events.EventHub;
import io.weightcast.registry.events.RegistryEvent;
import io.weightcast.registry.events.PolicyJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Owns the control state (per model: pin, withdrawn, paused) and the audit list. Confined to the
 * registry verticle's context; the file is written on the log worker.
 *
 * <p>An action: (1) waits for the previous one (actions apply one after another); (2) computes the
 * new {@link ModelControl} with {@link ControlRules} (a typed failure leaves everything as it
 * was); (3) writes the whole state durably; only then (4) swaps it in, appends to the audit list,
 * sends the model's policy to every watcher and publishes {@code control} and {@code policy}
 * events. In a cluster, step (3) first hands the change to {@link ControlSharing} (the cluster's
 * map, compare-and-set against the state this registry saw), and changes made on other registries
 * arrive through {@link #adopt}, in the same order as local actions.
 */
public final class ControlService {
  /** A policy watcher (an agent's watch stream) and the models it wants (empty: all). */
  private record Watcher(Set<String> models, Consumer<ModelPolicy> sink) {}

  private final ControlStore store;
  private final WorkerExecutor worker;
  private final VersionCatalog catalog;
  private final EventHub events;
  private final Map<String, ModelControl> models;
  private final List<ControlAction> actions;
  private final Set<Watcher> watchers = new LinkedHashSet<>();
  private Future<?> tail = Future.succeededFuture();
  private ControlSharing sharing = ControlSharing.LOCAL;

  private ControlService(ControlStore store, WorkerExecutor worker, VersionCatalog catalog,
      EventHub events, ControlStore.Snapshot loaded) {
    this.store = store;
    this.worker = worker;
    this.catalog = catalog;
    this.events = events;
    this.models = new HashMap<>(loaded.models());
    this.actions = new ArrayList<>(loaded.actions());
  }

  /** Loads the state on {@code worker}. */
  public static Future<ControlService> open(ControlStore store, WorkerExecutor worker,
      VersionCatalog catalog, EventHub events) {
    return worker.executeBlocking(store::load)
        .map(s -> new ControlService(store, worker, catalog, events, s));
  }

  /** Clustered mode: every change goes through {@code sharing} before it is applied here. */
  public void shareWith(ControlSharing sharing) {
    this.sharing = sharing;
  }

  public Future<ModelPolicy> pin(String model, String version, String who) {
    return apply("pin", model, version, who, vs -> ControlRules.pin(model, vs, control(model),
        version));
  }

  public Future<ModelPolicy> unpin(String model, String who) {
    return apply("unpin", model, "", who, vs -> ControlRules.unpin(model, vs, control(model)));
  }

  /** Withdraws the current target; the recorded version is the one withdrawn. */
  public Future<ModelPolicy> rollback(String model, String who) {
    String withdrawn = control(model).target(versions(model)).orElse("");
    return apply("rollback", model, withdrawn, who,
        vs -> ControlRules.rollback(model, vs, control(model)));
  }

  public Future<ModelPolicy> pause(String model, String version, boolean pause, String who) {
    return apply(pause ? "pause" : "resume", model, version, who,
        vs -> ControlRules.pause(model, vs, control(model), version, pause));
  }

  private Future<ModelPolicy> apply(String action, String model, String version, String who,
      Function<List<CommittedVersion>, ModelControl> rule) {
    Future<ModelPolicy> result = tail.transform(ignored -> {
      ModelControl next;
      try {
        next = rule.apply(versions(model));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      ControlAction done = new ControlAction(action, model, version, who,
          System.currentTimeMillis());
      ModelControl before = control(model);
      ControlSharing shared = sharing;
      return commit(model, next, done, () -> shared.share(model, before, next, done));
    });
    tail = result.transform(ignored -> Future.succeededFuture());
    return result;
  }

  /**
   * A change another registry of the cluster made (or the cluster's state at start): written to
   * the local file and applied like a local action, unless this registry already has it.
   */
  public Future<ModelPolicy> adopt(String model, ModelControl next, ControlAction done) {
    Future<ModelPolicy> result = tail.transform(ignored -> next.equals(control(model))
        && (done == null || actions.contains(done))
        ? Future.succeededFuture(policy(model))
        : commit(model, next, done, () -> { }));
    tail = result.transform(ignored -> Future.succeededFuture());
    return result;
  }

  /** Steps (3)-(4): {@code share}, then the file, on the worker; then swap in and announce. */
  private Future<ModelPolicy> commit(String model, ModelControl next, ControlAction done,
      Runnable share) {
    Map<String, ModelControl> nextModels = new HashMap<>(models);
    nextModels.put(model, next);
    List<ControlAction> nextActions = new ArrayList<>(actions);
    if (done != null && !nextActions.contains(done)) {
      nextActions.add(done);
    }
    if (nextActions.size() > ControlStore.MAX_ACTIONS) {
      nextActions.subList(0, nextActions.size() - ControlStore.MAX_ACTIONS).clear();
    }
    ControlStore.Snapshot snapshot = new ControlStore.Snapshot(nextModels, nextActions);
    return worker.executeBlocking(() -> {
      share.run();
      store.save(snapshot);
      return null;
    }).map(saved -> {
      models.put(model, next);
      boolean newAction = done != null && !actions.contains(done);
      actions.clear();
      actions.addAll(nextActions);
      if (newAction) {
        events.publish(new RegistryEvent("control", ControlStore.json(done)));
      }
      return announce(model);
    });
  }

  /** Every model with a control state, for seeding the cluster's map. */
  public Map<String, ModelControl> controls() {
    return Map.copyOf(models);
  }

  /** A version was committed: its model's target may have moved. */
  public void published(CommittedVersion v) {
    announce(v.manifest().model());
  }

  private ModelPolicy announce(String model) {
    ModelPolicy p = policy(model);
    for (Watcher w : List.copyOf(watchers)) {
      if (w.models().isEmpty() || w.models().contains(model)) {
        w.sink().accept(p);
      }
    }
    events.publish(new RegistryEvent("policy", PolicyJson.json(p)));
    return p;
  }

  /**
   * Sends the current policy of every watched model that has versions to {@code sink} now, then
   * every change; the answer cancels (idempotent).
   */
  public Runnable watch(List<String> wanted, Consumer<ModelPolicy> sink) {
    Watcher w = new Watcher(Set.copyOf(wanted), sink);
    catalog.models().keySet().stream().filter(m -> wanted.isEmpty() || wanted.contains(m))
        .sorted().forEach(m -> sink.accept(policy(m)));
    watchers.add(w);
    return () -> watchers.remove(w);
  }

  public ModelPolicy policy(String model) {
    return control(model).policy(model, versions(model));
  }

  public ModelControl control(String model) {
    return models.getOrDefault(model, ModelControl.NONE);
  }

  /** The audit list, oldest first. */
  public List<ControlAction> actions() {
    return List.copyOf(actions);
  }

  public int watcherCount() {
    return watchers.size();
  }

  private List<CommittedVersion> versions(String model) {
    return catalog.models().getOrDefault(model, List.of());
  }
}
