package io.weightcast.perf.sim;

/**
 * Per-key event times with a lease: {@code live(key, now)} counts the events younger than the
 * window, dropping older ones, as TopologyTable's deques do for grants and hand-outs. Times must
 * be added in non-decreasing order. Not thread-safe.
 */
final class TimeWindow {
  private final double windowS;
  private final double[][] times;
  private final int[] head;
  private final int[] tail;

  TimeWindow(int keys, double windowS) {
    this.windowS = windowS;
    this.times = new double[keys][];
    this.head = new int[keys];
    this.tail = new int[keys];
  }

  void add(int key, double now) {
    double[] q = times[key];
    if (q == null) {
      q = new double[2];
      times[key] = q;
    }
    int n = tail[key] - head[key];
    if (tail[key] == q.length) {
      double[] bigger = n * 2 > q.length ? new double[q.length * 2] : q;
      System.arraycopy(q, head[key], bigger, 0, n);
      times[key] = bigger;
      q = bigger;
      head[key] = 0;
      tail[key] = n;
    }
    q[tail[key]++] = now;
  }

  int live(int key, double now) {
    double[] q = times[key];
    if (q == null) {
      return 0;
    }
    int h = head[key];
    while (h < tail[key] && q[h] <= now - windowS) {
      h++;
    }
    head[key] = h;
    return tail[key] - h;
  }
}
