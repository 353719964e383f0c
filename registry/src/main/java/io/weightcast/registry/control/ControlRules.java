package io.weightcast.registry.control;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Names;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.protocol.failure.NotFound;
import java.util.List;
import java.util.Optional;

/**
 * The control actions as pure functions: (committed versions of the model, its control, the
 * request) to the new control, or a typed failure: {@link InvalidArgument} for a bad name,
 * {@link NotFound} for an unknown model or version, {@link InvalidTransition} for an action that
 * cannot apply (e.g. rollback with no earlier version).
 */
public final class ControlRules {
  private ControlRules() {}

  /** Pin: agents make {@code version} current (a pin overrides an earlier withdrawal). */
  public static ModelControl pin(String model, List<CommittedVersion> versions, ModelControl c,
      String version) {
    requireVersion(model, versions, version);
    return c.withPin(Optional.of(version));
  }

  public static ModelControl unpin(String model, List<CommittedVersion> versions, ModelControl c) {
    requireModel(model, versions);
    if (c.pinned().isEmpty()) {
      throw new InvalidTransition("model " + model + " is not pinned");
    }
    return c.withPin(Optional.empty());
  }

  /**
   * Rollback: withdraws the current target T and moves the target to the newest version committed
   * before T that is not withdrawn (when T was pinned, the pin moves there). Answers the new
   * control; {@link #target} of it is where agents go back to.
   */
  public static ModelControl rollback(String model, List<CommittedVersion> versions,
      ModelControl c) {
    requireModel(model, versions);
    String target = c.target(versions).orElseThrow(() -> new InvalidTransition(
        "model " + model + " has no version to roll back"));
    int at = indexOf(versions, target);
    String previous = null;
    for (int i = at - 1; i >= 0 && previous == null; i--) {
      String v = versions.get(i).manifest().version();
      previous = c.withdrawn().contains(v) ? null : v;
    }
    if (previous == null) {
      throw new InvalidTransition("cannot roll back " + model + "/" + target
          + ": no earlier version that is not withdrawn");
    }
    ModelControl next = c.withdraw(target);
    return c.pinned().isPresent() ? next.withPin(Optional.of(previous)) : next;
  }

  public static ModelControl pause(String model, List<CommittedVersion> versions, ModelControl c,
      String version, boolean pause) {
    requireVersion(model, versions, version);
    if (c.paused().contains(version) == pause) {
      throw new InvalidTransition(model + "/" + version + " is "
          + (pause ? "already paused" : "not paused"));
    }
    return c.withPaused(version, pause);
  }

  private static void requireModel(String model, List<CommittedVersion> versions) {
    try {
      Names.requireModel(model);
    } catch (InvalidManifest e) {
      throw new InvalidArgument(e.getMessage());
    }
    if (versions.isEmpty()) {
      throw new NotFound("no model " + model);
    }
  }

  private static void requireVersion(String model, List<CommittedVersion> versions,
      String version) {
    requireModel(model, versions);
    try {
      Names.requireVersion(version);
    } catch (InvalidManifest e) {
      throw new InvalidArgument(e.getMessage());
    }
    if (indexOf(versions, version) < 0) {
      throw new NotFound("no version " + model + "/" + version);
    }
  }

  private static int indexOf(List<CommittedVersion> versions, String version) {
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).manifest().version().equals(version)) {
        return i;
      }
    }
    return -1;
  }
}
