package io.weightcast.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What operators decided for one model, as the registry sends it to agents (the full state, so it
 * is idempotent). Agents make {@code target} current: {@code pinned} when set, else the newest
 * committed version that is not {@code withdrawn}. Versions in {@code paused} start no new fetch.
 */
public record ModelPolicy(String model, Optional<String> target, Optional<String> pinned,
    SortedSet<String> withdrawn, SortedSet<String> paused) {

  public ModelPolicy {
    Names.requireModel(model);
    Objects.requireNonNull(target, "target").ifPresent(Names::requireVersion);
    Objects.requireNonNull(pinned, "pinned").ifPresent(Names::requireVersion);
    withdrawn = copy(withdrawn, "withdrawn");
    paused = copy(paused, "paused");
  }

  public boolean isPaused(String version) {
    return paused.contains(version);
  }

  private static SortedSet<String> copy(Set<String> versions, String field) {
    Objects.requireNonNull(versions, field);
    TreeSet<String> out = new TreeSet<>();
    for (String v : versions) {
      out.add(Names.requireVersion(v));
    }
    return java.util.Collections.unmodifiableSortedSet(out);
  }
}
