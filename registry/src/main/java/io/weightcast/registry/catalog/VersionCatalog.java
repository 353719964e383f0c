package io.weightcast.registry.catalog;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.InvalidTransition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every committed version, in sequence order, with an index by model and version. Pure, not
 * thread-safe: confined to the registry verticle's context, which owns it.
 */
public final class VersionCatalog {
  private final List<CommittedVersion> bySequence = new ArrayList<>();
  private final Map<String, Map<String, CommittedVersion>> byModel = new HashMap<>();

  public VersionCatalog(Collection<CommittedVersion> replayed) {
    replayed.forEach(this::add);
  }

  /** The sequence the next commit takes: one more than the last, starting at 1. */
  public long nextSequence() {
    return bySequence.size() + 1L;
  }

  public long lastSequence() {
    return bySequence.size();
  }

  /**
   * The existing version when {@code manifest} repeats it exactly (an idempotent publish), empty
   * when the version is new; {@link InvalidTransition} when the version exists with other content.
   */
  public Optional<CommittedVersion> existing(Manifest manifest) {
    CommittedVersion found = find(manifest.model(), manifest.version()).orElse(null);
    if (found == null) {
      return Optional.empty();
    }
    if (!found.manifestDigest().equals(manifest.digest())) {
      throw new InvalidTransition("version " + manifest.id() + " is already committed with other"
          + " content (manifest " + found.manifestDigest().shortHex() + ", this one "
          + manifest.digest().shortHex() + "); versions are immutable, publish a new version");
    }
    return Optional.of(found);
  }

  /** Appends a version committed at {@link #nextSequence()}. */
  public void add(CommittedVersion version) {
    if (version.sequence() != nextSequence()) {
      throw new IllegalStateException("commit out of sequence: " + version.sequence()
          + " where " + nextSequence() + " was expected");
    }
    Manifest m = version.manifest();
    Map<String, CommittedVersion> versions = byModel.computeIfAbsent(m.model(), k -> new HashMap<>());
    if (versions.containsKey(m.version())) {
      throw new InvalidTransition("version " + m.id() + " is already committed");
    }
    versions.put(m.version(), version);
    bySequence.add(version);
  }

  public Optional<CommittedVersion> find(String model, String version) {
    return Optional.ofNullable(byModel.getOrDefault(model, Map.of()).get(version));
  }

  /** Versions with sequence > {@code after}, of the given models (all when empty), in order. */
  public List<CommittedVersion> after(long after, Collection<String> models) {
    List<CommittedVersion> out = new ArrayList<>();
    for (int i = (int) Math.max(0, Math.min(after, bySequence.size())); i < bySequence.size(); i++) {
      CommittedVersion v = bySequence.get(i);
      if (models.isEmpty() || models.contains(v.manifest().model())) {
        out.add(v);
      }
    }
    return out;
  }

  /** Model name to its versions in sequence order, models sorted by name. */
  public Map<String, List<CommittedVersion>> models() {
    Map<String, List<CommittedVersion>> out = new TreeMap<>();
    for (CommittedVersion v : bySequence) {
      out.computeIfAbsent(v.manifest().model(), k -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
