package io.weightcast.distributor.routing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Event times per key inside a sliding window of {@code windowMs} (older ones are dropped as
 * they are counted). Thread-safe: {@link SharedTopology} calls it from worker threads;
 * {@link TopologyTable} from its context.
 */
final class RecentEvents {
  private final long windowMs;
  private final Map<String, Deque<Long>> times = new HashMap<>();

  RecentEvents(long windowMs) {
    this.windowMs = windowMs;
  }

  /** Records an event of {@code key} at {@code now}; answers how many are in the window. */
  synchronized int add(String key, long now) {
    times.computeIfAbsent(key, k -> new ArrayDeque<>()).add(now);
    return count(key, now);
  }

  synchronized int count(String key, long now) {
    Deque<Long> q = times.get(key);
    if (q == null) {
      return 0;
    }
    while (!q.isEmpty() && q.peekFirst() <= now - windowMs) {
      q.pollFirst();
    }
    if (q.isEmpty()) {
      times.remove(key);
    }
    return q.size();
  }

  synchronized void clear(String key) {
    times.remove(key);
  }
}
