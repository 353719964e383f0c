package io.weightcast.registry.control;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.ModelPolicy;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The operators' decisions for one model: an optional pin, the withdrawn (rolled back) versions
 * and the paused ones. Immutable; every change answers a new value.
 */
public record ModelControl(Optional<String> pinned, SortedSet<String> withdrawn,
    SortedSet<String> paused) {
  public static final ModelControl NONE = new ModelControl(Optional.empty(), new TreeSet<>(),
      new TreeSet<>());

  public ModelControl {
    withdrawn = Collections.unmodifiableSortedSet(new TreeSet<>(withdrawn));
    paused = Collections.unmodifiableSortedSet(new TreeSet<>(paused));
  }

  /**
   * The version agents should make current, given the model's committed versions in sequence
   * order: the pin when set, else the newest version not withdrawn.
   */
  public Optional<String> target(List<CommittedVersion> versions) {
    if (pinned.isPresent()) {
      return pinned;
    }
    for (int i = versions.size() - 1; i >= 0; i--) {
      String v = versions.get(i).manifest().version();
      if (!withdrawn.contains(v)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  public ModelPolicy policy(String model, List<CommittedVersion> versions) {
    return new ModelPolicy(model, target(versions), pinned, withdrawn, paused);
  }

  ModelControl withPin(Optional<String> pin) {
    TreeSet<String> w = new TreeSet<>(withdrawn);
    pin.ifPresent(w::remove);
    return new ModelControl(pin, w, paused);
  }

  ModelControl withdraw(String version) {
    TreeSet<String> w = new TreeSet<>(withdrawn);
    w.add(version);
    return new ModelControl(pinned, w, paused);
  }

  ModelControl withPaused(String version, boolean pause) {
    TreeSet<String> p = new TreeSet<>(paused);
    if (pause) {
      p.add(version);
    } else {
      p.remove(version);
    }
    return new ModelControl(pinned, withdrawn, p);
  }
}
