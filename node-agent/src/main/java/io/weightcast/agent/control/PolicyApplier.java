package io.weightcast.agent.control;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.agent.assemble.ModelStore;
import io.weightcast.agent.rollout.ProgressReporter;
import io.weightcast.agent.watch.AgentState;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.wire.RegistryConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each model's {@code current} follow the operators' policy. For each policy message:
 * (1) hand it to the {@link PolicyGate} (releases resumed fetches); (2) on the disk pool, if
 * {@code current} is not the target and the target is held, point {@code current} at it
 * ({@link ModelStore#activate}) and persist its sequence; (3) report the new {@code current} flag
 * of every version of the model; (4) a target not held is fetched: its manifest comes from the
 * registry and it goes through the rollout queue like an announcement, which activates it when it
 * completes (the gate allows only the target). Confined to the agent verticle's context.
 */
public final class PolicyApplier {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyApplier.class);

  private final PolicyGate gate;
  private final WorkerExecutor disk;
  private final Path dataDir;
  private final io.weightcast.agent.AgentConfig config;
  private final String serveUrl;
  private final AgentState state;
  private final ProgressReporter reporter;
  private final RegistryConnection registry;
  private final Consumer<CommittedVersion> fetch;

  public PolicyApplier(PolicyGate gate, WorkerExecutor disk, io.weightcast.agent.AgentConfig config,
      String serveUrl, AgentState state, ProgressReporter reporter, RegistryConnection registry,
      Consumer<CommittedVersion> fetch) {
    this.gate = gate;
    this.disk = disk;
    this.config = config;
    this.serveUrl = serveUrl;
    this.dataDir = config.dataDir();
    this.state = state;
    this.reporter = reporter;
    this.registry = registry;
    this.fetch = fetch;
  }

  public void apply(ModelPolicy policy) {
    gate.apply(policy);
    Optional<String> target = policy.target();
    if (target.isEmpty()) {
      return;
    }
    String model = policy.model();
    String version = target.get();
    disk.executeBlocking(() -> switchTo(model, version), true)
        .compose(done -> switch (done.outcome()) {
          case SWITCHED -> {
            markCurrent(model, version, done.version());
            yield Future.succeededFuture();
          }
          case MISSING -> registry.getManifest(model, version).map(v -> {
            LOG.info("fetching {}/{}: the operators' target is not held here", model, version);
            fetch.accept(v);
            return null;
          });
          case ALREADY -> Future.succeededFuture();
        })
        .onFailure(e -> LOG.warn("cannot apply the policy of {} (target {}): {}", model, version,
            e.getMessage()));
  }

  private enum Outcome { ALREADY, SWITCHED, MISSING }

  /** What a switch did; {@code version} is the activated one's manifest when known. */
  private record Switch(Outcome outcome, CommittedVersion version) {}

  /** Blocking: activates the target if held. The gate re-checks it, so a newer policy wins. */
  private Switch switchTo(String model, String version) throws Exception {
    if (ModelStore.currentVersion(dataDir, model).map(version::equals).orElse(false)) {
      return new Switch(Outcome.ALREADY, null);
    }
    if (!Files.isDirectory(dataDir.resolve("models").resolve(model).resolve(version))
        || !ModelStore.versions(dataDir, model).contains(version)) {
      return new Switch(Outcome.MISSING, null);
    }
    if (!gate.mayActivate(model, version, true)) {
      return new Switch(Outcome.ALREADY, null);
    }
    ModelStore.activate(dataDir, model, version);
    Optional<CommittedVersion> held = state.manifests().stream()
        .filter(v -> v.manifest().model().equals(model) && v.manifest().version().equals(version))
        .findFirst();
    held.ifPresent(v -> state.saveActiveSequence(model, v.sequence()));
    LOG.info("{}: current is now {} (operators' policy)", model, version);
    return new Switch(Outcome.SWITCHED, held.orElse(null));
  }

  /** Reports the target as current (the reporter clears the flag of the model's others). */
  private void markCurrent(String model, String version, CommittedVersion v) {
    long now = System.currentTimeMillis();
    Optional<NodeProgress> known = reporter.latest().stream()
        .filter(p -> p.model().equals(model) && p.version().equals(version)).findFirst();
    if (known.isPresent()) {
      reporter.update(known.get().with(NodeProgress.State.ACTIVE, true, now));
    } else if (v != null) {
      reporter.update(new NodeProgress(config.nodeId(), config.zone(), config.rack(), model,
          version, NodeProgress.State.ACTIVE, v.manifest().chunkCount(), v.manifest().chunkCount(),
          v.manifest().totalBytes(), v.manifest().totalBytes(), 0, "", serveUrl, true, now));
    }
  }
}
