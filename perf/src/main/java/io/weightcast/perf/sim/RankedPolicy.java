package io.weightcast.perf.sim;

import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.topology.SourceRanker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Our policy: asks {@link SourceRanker} itself, and keeps the state around it the way the
 * distributor's TopologyTable does: crossing grants per (chunk, rack) and (chunk, zone) that
 * count for {@code grantLeaseS}; a holder's load = sources naming it handed out in the last
 * {@code loadWindowS}; the requester takes the first source of the answer.
 *
 * <p>Speed-up that keeps the answer identical: instead of every holder of the chunk, the ranker
 * is handed only the tier it would pick from, cut to the {@code maxSources} best by
 * (load, node id) (node ids are zero-padded host indexes, so id order is index order); when the
 * rack's or zone's budget is spent and nothing nearer holds the chunk, it is handed no holders
 * (it answers WAIT regardless).
 *
 * <p>One approximation, for speed at 10,000 hosts: with {@code rankerCandidates > 0} a tier is
 * sampled, not scanned whole: that many consecutive holders from a random offset in the order
 * copies landed (0 = every holder, exactly as TopologyTable does).
 *
 * <p>With a {@link CrossingCap} and a {@link Scope} (for "ours-pick", see {@link PickPolicy}) it
 * answers as {@code TopologyTable.sources(requester, chunk, origin, scope)} does: WAIT when the
 * answer is not one the scope allows, or when it crosses into the rack and the rack's cap is
 * full; nothing is granted on a WAIT. Short cuts that keep the answer identical: with no holder
 * in the rack every non-WAIT answer crosses, so IN_RACK scope and a full cap answer WAIT without
 * ranking; with a holder in the rack the answer is tier 0, so CROSSING scope answers WAIT.
 * Confined to one simulation.
 */
final class RankedPolicy implements SourcePolicy {
  private static final String ORIGIN_URL = "origin";

  /** Mirrors {@code FleetTopology.Scope}: which answers a request may take. */
  enum Scope {
    /** Any answer (the per-chunk request of "ours"). */
    ANY,
    /** Only a crossing into the requester's rack (granted). */
    CROSSING,
    /** Only a holder inside the requester's rack (nothing granted). */
    IN_RACK;

    boolean allows(boolean crossesRack) {
      return this == ANY || (this == CROSSING) == crossesRack;
    }
  }

  private final Fabric fabric;
  private final HolderIndex holders;
  private final SourceRanker ranker;
  private final int maxSources;
  private final int rackBudget;
  private final int zoneBudget;
  private final NodeLocation[] nodes;
  private final TimeWindow rackGrants;
  private final TimeWindow zoneGrants;
  private final TimeWindow handedOut;
  private final int[] bestHost;
  private final int[] bestLoad;
  private final int candidates;
  private final SplittableRandom rnd;
  /** Null: no cap (the old per-slot model "ours" and "ours-wake"). */
  private final CrossingCap cap;

  RankedPolicy(SimConfig c, Fabric fabric, HolderIndex holders) {
    this(c, fabric, holders, null);
  }

  RankedPolicy(SimConfig c, Fabric fabric, HolderIndex holders, CrossingCap cap) {
    this.cap = cap;
    this.fabric = fabric;
    this.holders = holders;
    this.maxSources = c.maxSources();
    this.rackBudget = c.rackBudget();
    this.zoneBudget = c.zoneBudget();
    this.ranker = new SourceRanker(c.maxSources(), c.rackBudget(), c.zoneBudget());
    this.nodes = new NodeLocation[fabric.hosts()];
    for (int h = 0; h < nodes.length; h++) {
      nodes[h] = new NodeLocation(String.format("h%07d", h), "z" + fabric.zoneOf(h),
          "r" + fabric.rackOf(h), Integer.toString(h));
    }
    this.rackGrants = new TimeWindow(c.chunks() * fabric.racks(), c.grantLeaseS());
    this.zoneGrants = new TimeWindow(c.chunks() * fabric.zones(), c.grantLeaseS());
    this.handedOut = new TimeWindow(fabric.hosts(), c.loadWindowS());
    this.bestHost = new int[maxSources];
    this.bestLoad = new int[maxSources];
    this.candidates = c.rankerCandidates();
    this.rnd = new SplittableRandom(c.seed());
  }

  @Override
  public int choose(int host, int chunk, double now) {
    return choose(host, chunk, now, Scope.ANY);
  }

  /** Like {@link #choose(int, int, double)}, limited to the answers {@code scope} allows. */
  int choose(int host, int chunk, double now, Scope scope) {
    int rack = fabric.rackOf(host);
    int zone = fabric.zoneOf(host);
    int rackKey = chunk * fabric.racks() + rack;
    int zoneKey = chunk * fabric.zones() + zone;
    int liveRack = rackGrants.live(rackKey, now);
    int liveZone = zoneGrants.live(zoneKey, now);
    List<SourceRanker.Holder> candidates;
    HolderIndex.Hosts inRack = holders.inRack(chunk, rack);
    HolderIndex.Hosts inZone = holders.inZone(chunk, zone);
    if (inRack.size() > 0 ? scope == Scope.CROSSING
        : scope == Scope.IN_RACK || cap != null && !cap.mayStart(rack, now)) {
      return WAIT_RACK;
    }
    if (inRack.size() > 0) {
      candidates = best(inRack, maxSources, -1, now);
    } else if (liveRack >= rackBudget) {
      candidates = List.of();
    } else if (inZone.size() > 0) {
      candidates = best(inZone, maxSources, -1, now);
    } else if (liveZone >= zoneBudget) {
      candidates = List.of();
    } else {
      candidates = best(holders.all(chunk), maxSources - 1, zone, now);
    }
    SourceRanker.Ranking r = ranker.rank(nodes[host], candidates, liveRack, liveZone, ORIGIN_URL);
    if (r.waitForRackCopy()) {
      return liveRack >= rackBudget ? WAIT_RACK : WAIT_ZONE;
    }
    if (!scope.allows(r.crossesRack())) {
      return WAIT_RACK;
    }
    if (r.crossesRack()) {
      rackGrants.add(rackKey, now);
      if (cap != null) {
        cap.started(rack, chunk, now);
      }
    }
    if (r.crossesZone()) {
      zoneGrants.add(zoneKey, now);
    }
    String first = r.sources().get(0);
    if (first.equals(ORIGIN_URL)) {
      return Fabric.ORIGIN;
    }
    int source = Integer.parseInt(first);
    handedOut.add(source, now);
    return source;
  }

  /**
   * The {@code k} best of {@code list} by (load, index), skipping hosts in {@code skipZone}; of
   * at most {@code candidates} consecutive holders from a random offset when that is set.
   */
  private List<SourceRanker.Holder> best(HolderIndex.Hosts list, int k, int skipZone,
      double now) {
    int n = 0;
    int size = list.size();
    int scan = candidates == 0 ? size : Math.min(size, candidates);
    int first = scan == size ? 0 : rnd.nextInt(size);
    for (int i = 0; i < scan; i++) {
      int h = list.get((first + i) % size);
      if (k == 0 || fabric.zoneOf(h) == skipZone) {
        continue;
      }
      int load = handedOut.live(h, now);
      if (n == k && !better(load, h, bestLoad[k - 1], bestHost[k - 1])) {
        continue;
      }
      int j = n < k ? n++ : k - 1;
      while (j > 0 && better(load, h, bestLoad[j - 1], bestHost[j - 1])) {
        bestLoad[j] = bestLoad[j - 1];
        bestHost[j] = bestHost[j - 1];
        j--;
      }
      bestLoad[j] = load;
      bestHost[j] = h;
    }
    List<SourceRanker.Holder> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new SourceRanker.Holder(nodes[bestHost[i]], bestLoad[i]));
    }
    return out;
  }

  private static boolean better(int load, int host, int otherLoad, int otherHost) {
    return load < otherLoad || (load == otherLoad && host < otherHost);
  }
}
