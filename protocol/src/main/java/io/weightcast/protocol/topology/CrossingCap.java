package io.weightcast.protocol.topology;

/**
 * How many chunks may cross into one rack at once, from the distributor's setting and the rack's
 * live nodes. Pure. {@code configured}: {@link #AUTO}, 0 (no cap) or a fixed cap.
 *
 * <p>Why it depends on the rack: a cap lets each chunk land early and spread inside the rack while
 * the next ones cross (a rack of 4 behind an 8:1 uplink: 1.26x the lower bound with a cap of 2,
 * 1.48-1.74x without, perf/README benchmark 4), but each crossing only gets its receiver's fair
 * share of a link it also uses for in-rack copies, so in a rack of 200 a cap of 4 starved the
 * rack (3x slower than none, perf/SIMULATOR.md). And a crossing can run far below its share of
 * the uplink (TCP over a shared, deeper path), so too few leave the uplink idle: once crossings
 * kept their grants while they ran, 3 beat 2 in racks of 4 in every paired run (perf/README,
 * session 5). {@link #AUTO}:
 * <pre>
 *   cap(n) = none                     if n <= 1   (nobody to spread a copy to)
 *   cap(n) = max(2, ceil(3n / 4))     otherwise   (n = live nodes in the rack)
 * </pre>
 * A fixed cap, too, holds only in a rack with more than one live node.
 */
public final class CrossingCap {
  /** The setting that sizes the cap from the rack ({@code --rack-crossings auto}). */
  public static final int AUTO = -1;

  private CrossingCap() {}

  /** Answers {@code configured} if it is a setting: {@link #AUTO}, 0 or a positive cap. */
  public static int check(int configured) {
    if (configured < AUTO) {
      throw new IllegalArgumentException("rack crossings must be auto (-1), 0 or > 0, got "
          + configured);
    }
    return configured;
  }

  /** The cap for a rack of {@code liveNodes} (the requester included); 0 = no cap. */
  public static int forRack(int configured, int liveNodes) {
    check(configured);
    if (configured == 0 || liveNodes <= 1) {
      return 0;
    }
    return configured == AUTO ? Math.max(2, (3 * liveNodes + 3) / 4) : configured;
  }

  /** Parses the CLI form: {@code auto}, 0 or a positive count. */
  public static int parse(String value) {
    if ("auto".equalsIgnoreCase(value.trim())) {
      return AUTO;
    }
    int n = Integer.parseInt(value.trim());
    if (n < 0) {
      throw new IllegalArgumentException("--rack-crossings must be auto, 0 or > 0, got " + value);
    }
    return n;
  }
}
