package io.weightcast.agent.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.weightcast.protocol.ModelPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest operator policy per model, as rollouts consult it: which version may become
 * {@code current} ({@link #mayActivate}) and whether new chunk fetches of a version must wait
 * ({@link #whenRunnable}). {@link #apply} and {@link #whenRunnable} are confined to the agent
 * verticle's context; {@link #mayActivate} may be called from the disk pool (policies are
 * immutable values in a concurrent map).
 */
public final class PolicyGate {
  /** A gate with no policy: every rollout runs and the newest version activates. */
  public static PolicyGate open() {
    return new PolicyGate();
  }

  private final Map<String, ModelPolicy> policies = new ConcurrentHashMap<>();
  private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();

  /** Stores the policy and releases the fetches of versions no longer paused. */
  public void apply(ModelPolicy policy) {
    policies.put(policy.model(), policy);
    for (String key : List.copyOf(waiting.keySet())) {
      int slash = key.indexOf('/');
      if (key.substring(0, slash).equals(policy.model())
          && !policy.isPaused(key.substring(slash + 1))) {
        waiting.remove(key).forEach(Promise::tryComplete);
      }
    }
  }

  public Optional<ModelPolicy> policy(String model) {
    return Optional.ofNullable(policies.get(model));
  }

  /**
   * Whether a version just completed may become current. Pinned: only the pin. Otherwise a
   * withdrawn version never; the target always; another version when it is at least as new as the
   * active one ({@code newest}), so a node still gets the best version it can while the target is
   * paused or on its way. Without a policy: {@code newest}.
   */
  public boolean mayActivate(String model, String version, boolean newest) {
    ModelPolicy p = policies.get(model);
    if (p == null) {
      return newest;
    }
    if (p.pinned().isPresent()) {
      return p.pinned().get().equals(version);
    }
    if (p.withdrawn().contains(version)) {
      return false;
    }
    return newest || p.target().map(version::equals).orElse(false);
  }

  /**
   * Completes when {@code model/version} is not paused; when it is, runs {@code onPaused} once and
   * completes on resume.
   */
  public Future<Void> whenRunnable(String model, String version, Runnable onPaused) {
    ModelPolicy p = policies.get(model);
    if (p == null || !p.isPaused(version)) {
      return Future.succeededFuture();
    }
    String key = model + "/" + version;
    List<Promise<Void>> list = waiting.computeIfAbsent(key, k -> new ArrayList<>());
    if (list.isEmpty()) {
      onPaused.run();
    }
    Promise<Void> promise = Promise.promise();
    list.add(promise);
    return promise.future();
  }

  /** Fetches waiting for a resume (for tests and reporting). */
  public int waitingFetches() {
    return waiting.values().stream().mapToInt(List::size).sum();
  }
}
