package io.weightcast.perf.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One simulated rollout: the fabric, the model, the agents' concurrency, the policy's knobs and
 * the simulator's own accuracy knobs. Units: bytes, seconds, Gbit/s (10^9 bit/s).
 *
 * @param hosts GPU hosts, spread evenly over {@code racks} in contiguous blocks
 * @param racks racks, spread evenly over {@code zones} in contiguous blocks
 * @param zones zones, each with one uplink to the core where the origin sits
 * @param modelBytes size of the model version being rolled out
 * @param chunkBytes chunk size (the last chunk may be shorter)
 * @param nicGbps host NIC, each direction
 * @param rackUplinkGbps top-of-rack uplink, each direction
 * @param zoneUplinkGbps zone aggregation uplink to the core, each direction
 * @param originGbps the origin distributor's egress
 * @param chunksInFlight chunks each host fetches or waits for at once (agent {@code chunksInFlight})
 * @param maxSources SourceRanker maxSources
 * @param rackBudget SourceRanker rackBudget
 * @param zoneBudget SourceRanker zoneBudget
 * @param grantLeaseS how long a crossing grant counts (TopologyTable grantLeaseMs)
 * @param loadWindowS load of a holder = sources naming it handed out in this window
 * @param waitStepS "ours": an agent told to wait asks again after this (the old
 *     ChunkTransfer.WAIT_STEP_MS); "ours-pick": an agent whose pick came back short asks again
 *     after this (FetchScheduler.WAIT_STEP_MS); both 100 ms
 * @param maxWaitS "ours": after waiting this long an agent goes to the origin (the old
 *     ChunkTransfer.MAX_WAIT_MS); "ours-pick": an agent with nothing in flight and nothing
 *     picked for this long fetches its first ready chunk from the origin
 *     (FetchScheduler.MAX_IDLE_MS); both 30 s
 * @param rackCrossings "ours-pick" only: at most this many chunks cross into one rack at once,
 *     in a rack of more than one host (the distributor's {@code rackCrossings},
 *     TopologyTable/RackCrossings): {@code CrossingCap.AUTO} (-1, the default: per rack from its
 *     hosts), 0 = no cap, or a fixed cap
 * @param rankerCandidates most holders of one tier handed to the ranker per request (a sample
 *     from a random offset; 0 = all, as the distributor does)
 * @param stepFraction time step floor as a fraction of the mean active transfer's duration
 * @param fairnessRounds rounds of the bottleneck-share iteration (see {@link FairShare})
 * @param seed seeds the hosts' chunk orders and random peering
 * @param policies which policies to run, in order: "ours" (SourceRanker, agents re-ask every
 *     {@code waitStepS} as ChunkTransfer does), "ours-wake" (same, and waiters also re-ask the
 *     moment a copy lands in their rack or zone), "ours-pick" (SourceRanker behind the
 *     distributor's pick and the rack crossing cap, agents scheduled as FetchScheduler does,
 *     see {@link PickPolicy}), "star", "random"
 */
public record SimConfig(int hosts, int racks, int zones, long modelBytes, long chunkBytes,
    double nicGbps, double rackUplinkGbps, double zoneUplinkGbps, double originGbps,
    int chunksInFlight, int maxSources, int rackBudget, int zoneBudget, double grantLeaseS,
    double loadWindowS, double waitStepS, double maxWaitS, int rackCrossings,
    int rankerCandidates, double stepFraction, int fairnessRounds, long seed, List<String> policies) {

  public static final List<String> ALL_POLICIES =
      List.of("ours", "ours-wake", "ours-pick", "star", "random");

  public SimConfig {
    positive("hosts", hosts);
    positive("racks", racks);
    positive("zones", zones);
    positive("modelBytes", modelBytes);
    positive("chunkBytes", chunkBytes);
    positive("chunksInFlight", chunksInFlight);
    positive("fairnessRounds", fairnessRounds);
    io.weightcast.protocol.topology.CrossingCap.check(rackCrossings);
    if (rankerCandidates < 0) {
      throw new IllegalArgumentException("rankerCandidates must be >= 0, got " + rankerCandidates);
    }
    if (nicGbps <= 0 || rackUplinkGbps <= 0 || zoneUplinkGbps <= 0 || originGbps <= 0) {
      throw new IllegalArgumentException("link capacities must be > 0 Gbit/s");
    }
    if (stepFraction <= 0 || stepFraction > 1) {
      throw new IllegalArgumentException("stepFraction must be in (0, 1], got " + stepFraction);
    }
    if ((modelBytes + chunkBytes - 1) / chunkBytes > Integer.MAX_VALUE / 64) {
      throw new IllegalArgumentException("too many chunks: raise chunkBytes");
    }
    for (String p : policies) {
      if (!ALL_POLICIES.contains(p)) {
        throw new IllegalArgumentException("policies: unknown '" + p + "', know " + ALL_POLICIES);
      }
    }
    policies = List.copyOf(policies);
  }

  /**
   * Checks what single options cannot (they are applied one at a time): the fleet's shape.
   * Returns this.
   */
  public SimConfig checked() {
    if (racks > hosts || zones > racks) {
      throw new IllegalArgumentException("need zones <= racks <= hosts, got zones=" + zones
          + " racks=" + racks + " hosts=" + hosts);
    }
    return this;
  }

  private static void positive(String field, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }
  }

  /**
   * Default cap on chunks crossing into one rack at once for "ours-pick": the distributor's
   * default ({@code DistributorConfig.DEFAULT_RACK_CROSSINGS}), auto: each rack's cap from its
   * hosts, 150 in this fleet's racks of 200 ({@link
   * io.weightcast.protocol.topology.CrossingCap}).
   */
  public static final int DEFAULT_RACK_CROSSINGS = io.weightcast.protocol.topology.CrossingCap.AUTO;

  /** The fleet: 10,000 hosts, 50 racks, 5 zones; 16 GiB in 8 MiB chunks. */
  public static SimConfig fleet() {
    return new SimConfig(10_000, 50, 5, 16L << 30, 8L << 20, 25, 400, 1600, 100, 16, 4, 1, 1,
        10, 5, 0.1, 30, DEFAULT_RACK_CROSSINGS, 32, 0.05, 4, 42,
        List.of("ours", "ours-pick", "star", "random"));
  }

  /** A quick run: 320 hosts in 16 racks and 4 zones, same link speeds, 4 GiB model. */
  public static SimConfig small() {
    return fleet().with("hosts", "320").with("racks", "16").with("zones", "4")
        .with("model", "4GiB");
  }

  public int chunks() {
    return (int) ((modelBytes + chunkBytes - 1) / chunkBytes);
  }

  public long chunkLength(int chunk) {
    return Math.min(chunkBytes, modelBytes - (long) chunk * chunkBytes);
  }

  /** Bytes per second of a link given in Gbit/s. */
  public static double bytesPerSecond(double gbps) {
    return gbps * 1e9 / 8;
  }

  /** Returns a copy with one option (a command-line name, without "--") changed. */
  public SimConfig with(String option, String value) {
    int h = hosts, r = racks, z = zones, k = chunksInFlight, ms = maxSources, rb = rackBudget,
        zb = zoneBudget, rounds = fairnessRounds, cand = rankerCandidates, cap = rackCrossings;
    long model = modelBytes, chunk = chunkBytes, sd = seed;
    double nic = nicGbps, rack = rackUplinkGbps, zone = zoneUplinkGbps, origin = originGbps,
        lease = grantLeaseS, window = loadWindowS, step = waitStepS, maxWait = maxWaitS,
        frac = stepFraction;
    List<String> pol = policies;
    switch (option) {
      case "hosts" -> h = Integer.parseInt(value);
      case "racks" -> r = Integer.parseInt(value);
      case "zones" -> z = Integer.parseInt(value);
      case "model" -> model = parseBytes(value);
      case "chunk" -> chunk = parseBytes(value);
      case "nic-gbps" -> nic = Double.parseDouble(value);
      case "rack-gbps" -> rack = Double.parseDouble(value);
      case "zone-gbps" -> zone = Double.parseDouble(value);
      case "origin-gbps" -> origin = Double.parseDouble(value);
      case "in-flight" -> k = Integer.parseInt(value);
      case "max-sources" -> ms = Integer.parseInt(value);
      case "rack-budget" -> rb = Integer.parseInt(value);
      case "zone-budget" -> zb = Integer.parseInt(value);
      case "grant-lease" -> lease = Double.parseDouble(value);
      case "load-window" -> window = Double.parseDouble(value);
      case "wait-step" -> step = Double.parseDouble(value);
      case "max-wait" -> maxWait = Double.parseDouble(value);
      case "rack-crossings" -> cap = io.weightcast.protocol.topology.CrossingCap.parse(value);
      case "candidates" -> cand = Integer.parseInt(value);
      case "step-fraction" -> frac = Double.parseDouble(value);
      case "rounds" -> rounds = Integer.parseInt(value);
      case "seed" -> sd = Long.parseLong(value);
      case "policies" -> pol = List.of(value.split(","));
      default -> throw new IllegalArgumentException("unknown option --" + option);
    }
    return new SimConfig(h, r, z, model, chunk, nic, rack, zone, origin, k, ms, rb, zb, lease,
        window, step, maxWait, cap, cand, frac, rounds, sd, pol);
  }

  /** "16GiB", "8MiB", "512KiB", "1000" (bytes). */
  public static long parseBytes(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"KIB", "10"}, {"MIB", "20"}, {"GIB", "30"}, {"TIB", "40"}}) {
      if (t.endsWith(u[0])) {
        unit = 1L << Integer.parseInt(u[1]);
        t = t.substring(0, t.length() - u[0].length());
        break;
      }
    }
    return Math.round(Double.parseDouble(t) * unit);
  }

  /** Parses {@code --name value} pairs over {@code base}; {@code --small} selects {@link #small}. */
  public static SimConfig parse(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    SimConfig c = rest.remove("--small") ? small() : fleet();
    for (int i = 0; i < rest.size(); i += 2) {
      String name = rest.get(i);
      if (!name.startsWith("--") || i + 1 >= rest.size()) {
        throw new IllegalArgumentException("expected --option value, got '" + name + "'");
      }
      c = c.with(name.substring(2), rest.get(i + 1));
    }
    return c.checked();
  }
}
