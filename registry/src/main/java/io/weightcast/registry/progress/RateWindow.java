package io.weightcast.registry.progress;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bytes/s of one node on one version over its recent reports: samples (atMs, bytesDone) younger
 * than {@link #WINDOW_MS} before the newest are kept, and rate = (newest.bytes - oldest.bytes) x
 * 1000 / (newest.atMs - oldest.atMs); 0 with fewer than two samples or no elapsed time. A sample
 * with fewer bytes than the previous (a restarted fetch) resets the window. Not thread-safe.
 */
public final class RateWindow {
  static final long WINDOW_MS = 10_000;

  private record Sample(long atMs, long bytes) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  public void add(long atMs, long bytesDone) {
    Sample last = samples.peekLast();
    if (last != null && (bytesDone < last.bytes() || atMs < last.atMs())) {
      samples.clear();
    }
    samples.addLast(new Sample(atMs, bytesDone));
    while (samples.size() > 2 && atMs - samples.peekFirst().atMs() > WINDOW_MS) {
      samples.removeFirst();
    }
  }

  /** Bytes per second; 0 when unknown. */
  public double rate() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long dt = last.atMs() - first.atMs();
    return dt <= 0 ? 0 : (last.bytes() - first.bytes()) * 1000.0 / dt;
  }
}
