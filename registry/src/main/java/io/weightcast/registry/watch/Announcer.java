package io.weightcast.registry.watch;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.registry.catalog.VersionCatalog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Delivers committed versions to watchers, in sequence order, each exactly once. Confined to the
 * registry verticle's context: subscribe (replay) and announce (live) never interleave, so a
 * watcher sees every sequence after its {@code from} with no gap and no repeat.
 */
public final class Announcer {
  /** Where a watcher's announcements go (a gRPC response stream, or a test's list). */
  public interface Sink {
    void send(CommittedVersion version);
  }

  /** A registered watcher; {@link #cancel()} removes it (idempotent). */
  public final class Subscription {
    private final Set<String> models;
    private final Sink sink;

    private Subscription(Set<String> models, Sink sink) {
      this.models = models;
      this.sink = sink;
    }

    public void cancel() {
      subscribers.remove(this);
    }

    private void offer(CommittedVersion v) {
      if (models.isEmpty() || models.contains(v.manifest().model())) {
        sink.send(v);
      }
    }
  }

  private final VersionCatalog catalog;
  private final Set<Subscription> subscribers = new LinkedHashSet<>();

  public Announcer(VersionCatalog catalog) {
    this.catalog = catalog;
  }

  /** Replays every version after {@code fromSequence}, then keeps the sink for live ones. */
  public Subscription subscribe(long fromSequence, List<String> models, Sink sink) {
    Subscription s = new Subscription(Set.copyOf(models), sink);
    catalog.after(fromSequence, s.models).forEach(sink::send);
    subscribers.add(s);
    return s;
  }

  /** Sends a freshly committed version to every watcher. */
  public void announce(CommittedVersion version) {
    for (Subscription s : List.copyOf(subscribers)) {
      s.offer(version);
    }
  }

  public int subscriberCount() {
    return subscribers.size();
  }
}
