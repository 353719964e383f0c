package io.weightcast.perf.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the rollout simulation once per policy and prints one table, last. Usage:
 * {@code SimulatorMain [--small] [--hosts N --racks R --zones Z --model 16GiB --chunk 8MiB
 * --nic-gbps 25 --rack-gbps 400 --zone-gbps 1600 --origin-gbps 100 --in-flight 16
 * --rack-crossings 4 --policies ours,ours-wake,ours-pick,star,random ...]} (every option: {@link SimConfig#with}).
 *
 * <p>Bounds printed with the table:
 * <ul>
 *   <li>lower bound = model bytes / host NIC rate (no host can receive faster);
 *   <li>origin bound = model bytes / origin egress (the origin must send one copy at least);
 *   <li>star bound = model bytes x hosts / origin egress (every copy leaves the origin).
 * </ul>
 * "x LB" = time-to-last-active / max(lower bound, origin bound).
 */
public final class SimulatorMain {
  private SimulatorMain() {}

  public static void main(String[] args) {
    SimConfig c;
    try {
      c = SimConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("simulate: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(describe(c));
    System.out.flush();
    List<SimResult> results = new ArrayList<>();
    for (String p : c.policies()) {
      SimResult r = new Simulation(c, p).run();
      System.out.printf(Locale.ROOT, "%-9s done: last active %.2f s (%d steps, %.1f s wall)%n",
          p, r.lastActiveS(), r.steps(), r.wallMs() / 1000.0);
      results.add(r);
    }
    System.out.print(table(c, results));
  }

  static String describe(SimConfig c) {
    return String.format(Locale.ROOT,
        "fleet: %d hosts, %d racks, %d zones; model %s in %d chunks of %s; NIC %.0f Gbit/s,"
            + " rack uplink %.0f Gbit/s (%.1f:1), zone uplink %.0f Gbit/s (%.1f:1), origin"
            + " %.0f Gbit/s; %d chunks in flight per host; ranker maxSources=%d budgets"
            + " rack=%d zone=%d; ours-pick rack crossings cap %s; step >= %.3f x transfer,"
            + " %d fairness rounds, seed %d",
        c.hosts(), c.racks(), c.zones(), bytes(c.modelBytes()), c.chunks(),
        bytes(c.chunkBytes()), c.nicGbps(), c.rackUplinkGbps(),
        c.nicGbps() * c.hosts() / c.racks() / c.rackUplinkGbps(), c.zoneUplinkGbps(),
        c.rackUplinkGbps() * c.racks() / c.zones() / c.zoneUplinkGbps(), c.originGbps(),
        c.chunksInFlight(), c.maxSources(), c.rackBudget(), c.zoneBudget(),
        capSetting(c), c.stepFraction(),
        c.fairnessRounds(), c.seed());
  }

  /** The crossing cap as set: none, a fixed K, or auto with the K of a full rack. */
  private static String capSetting(SimConfig c) {
    int set = c.rackCrossings();
    if (set != io.weightcast.protocol.topology.CrossingCap.AUTO) {
      return set == 0 ? "none" : Integer.toString(set);
    }
    int perRack = (c.hosts() + c.racks() - 1) / c.racks();
    return "auto (" + io.weightcast.protocol.topology.CrossingCap.forRack(set, perRack)
        + " in a rack of " + perRack + ")";
  }

  static double lowerBoundS(SimConfig c) {
    return c.modelBytes() / SimConfig.bytesPerSecond(c.nicGbps());
  }

  static double originBoundS(SimConfig c) {
    return c.modelBytes() / SimConfig.bytesPerSecond(c.originGbps());
  }

  static double starBoundS(SimConfig c) {
    return originBoundS(c) * c.hosts();
  }

  static String table(SimConfig c, List<SimResult> results) {
    double bound = Math.max(lowerBoundS(c), originBoundS(c));
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "%nlower bound %.2f s (model / NIC); origin bound %.2f s (model / origin);"
            + " star bound %.1f s (model x hosts / origin)%n",
        lowerBoundS(c), originBoundS(c), starBoundS(c)));
    b.append(String.format(Locale.ROOT,
        "%-9s | %10s | %7s | %8s | %15s | %15s | %7s | %7s | %7s%n",
        "policy", "last act s", "x LB", "median s", "rack in max/avg", "rack out max/avg",
        "zone in", "origin", "x-in pk"));
    b.append("-".repeat(109)).append('\n');
    for (SimResult r : results) {
      b.append(String.format(Locale.ROOT,
          "%-9s | %10.2f | %7.2f | %8.2f | %7.1f/%-7.1f | %7.1f/%-7.1f | %7.1f | %7.1f | %7d%n",
          r.policy(), r.lastActiveS(), r.lastActiveS() / bound, r.medianActiveS(),
          r.rackInMax(), r.rackInMean(), r.rackOutMax(), r.rackOutMean(), r.zoneInMax(),
          r.originOut(), r.peakRackCrossings()));
    }
    b.append("(bytes in model sizes; rack in/out = over the top-of-rack uplink; zone in = most"
        + " into one zone; x LB = last active / max(lower bound, origin bound); x-in pk = most"
        + " transfers crossing into one rack at once)\n");
    return b.toString();
  }

  private static String bytes(long n) {
    if (n % (1L << 30) == 0) {
      return n / (1L << 30) + " GiB";
    }
    if (n % (1L << 20) == 0) {
      return n / (1L << 20) + " MiB";
    }
    return n + " B";
  }
}
