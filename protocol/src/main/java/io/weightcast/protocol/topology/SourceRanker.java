package io.weightcast.protocol.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides where a node fetches one chunk from. Pure; the caller supplies the holders and the
 * crossing grants and records the grant this answer makes.
 *
 * <p>Tiers, by the requester's position: 0 = a verified copy in the same rack, 1 = in the same
 * zone, 3 = the origin (the distributor), with copies in other zones after it as fallbacks.
 * Within the tier chosen, peers are ordered by {@code score = uploadsInFlight} (fewer first; node
 * id breaks ties) and at most {@code maxSources} sources are returned. Why the origin before
 * another zone's copy: that copy crosses two zone boundaries and two rack uplinks (out of its
 * rack, shared with every other copy its rack sends out, then into ours), the origin's only ours;
 * in the fan-out benchmark (4 racks in 2 zones) such crossings ran at 1.6-2.5 Mbit/s behind a
 * 20 Mbit/s uplink and held their rack's crossing slots for 20-30 s. (Tier 2, another zone's copy
 * first, is no longer answered.)
 *
 * <p>Bounded crossings: a chunk enters a rack from outside it (tiers 1-3) through at most
 * {@code rackBudget} live grants, and a zone from outside it (tiers 2-3) through at most
 * {@code zoneBudget}. So the first copy crosses the uplink once and then spreads inside:
 * <ol>
 *   <li>a same-rack holder exists: answer the rack's holders (no crossing);
 *   <li>else, if the rack's budget is spent: WAIT (a copy is on its way into the rack);
 *   <li>else, a same-zone holder exists: answer the zone's holders, granting one rack crossing;
 *   <li>else, if the zone's budget is spent: WAIT;
 *   <li>else: answer the origin, then other zones' holders, granting a rack and a zone crossing.
 * </ol>
 * Grants expire (the caller drops them after a lease), so a fetcher that dies does not leave its
 * rack waiting forever.
 */
public final class SourceRanker {
  /** A node holding a verified copy of the chunk, with its current upload load. */
  public record Holder(NodeLocation node, int uploadsInFlight) {}

  /** The answer: sources to try in order (empty when waiting) and the crossings it grants. */
  public record Ranking(List<String> sources, boolean waitForRackCopy, boolean crossesRack,
      boolean crossesZone, int tier) {
    public static Ranking waiting() {
      return new Ranking(List.of(), true, false, false, -1);
    }
  }

  private final int maxSources;
  private final int rackBudget;
  private final int zoneBudget;

  public SourceRanker(int maxSources, int rackBudget, int zoneBudget) {
    if (maxSources < 1 || rackBudget < 1 || zoneBudget < 1) {
      throw new IllegalArgumentException("maxSources, rackBudget and zoneBudget must be >= 1");
    }
    this.maxSources = maxSources;
    this.rackBudget = rackBudget;
    this.zoneBudget = zoneBudget;
  }

  /**
   * Ranks sources of one chunk for {@code requester}.
   *
   * @param holders verified holders of the chunk (the requester itself and quarantined nodes
   *     already removed)
   * @param liveRackGrants unexpired crossings into the requester's rack for this chunk
   * @param liveZoneGrants unexpired crossings into the requester's zone for this chunk
   * @param originUrl the distributor's URL, the source of last resort
   */
  public Ranking rank(NodeLocation requester, List<Holder> holders, int liveRackGrants,
      int liveZoneGrants, String originUrl) {
    List<Holder> rack = new ArrayList<>();
    List<Holder> zone = new ArrayList<>();
    List<Holder> elsewhere = new ArrayList<>();
    for (Holder h : holders) {
      if (h.node().sameRack(requester)) {
        rack.add(h);
      } else if (h.node().sameZone(requester)) {
        zone.add(h);
      } else {
        elsewhere.add(h);
      }
    }
    if (!rack.isEmpty()) {
      return new Ranking(urls(rack, maxSources), false, false, false, 0);
    }
    if (liveRackGrants >= rackBudget) {
      return Ranking.waiting();
    }
    if (!zone.isEmpty()) {
      return new Ranking(urls(zone, maxSources), false, true, false, 1);
    }
    if (liveZoneGrants >= zoneBudget) {
      return Ranking.waiting();
    }
    return new Ranking(originFirst(originUrl, elsewhere), false, true, true, 3);
  }

  /** The origin, then the least loaded of {@code fallbacks}, {@code maxSources} in all. */
  private List<String> originFirst(String originUrl, List<Holder> fallbacks) {
    List<String> out = new ArrayList<>(List.of(originUrl));
    out.addAll(urls(fallbacks, maxSources - 1));
    return List.copyOf(out);
  }

  /** The urls of the {@code max} least loaded of {@code tier} (node id breaks ties). */
  private static List<String> urls(List<Holder> tier, int max) {
    return tier.stream().sorted(Comparator.comparingInt(Holder::uploadsInFlight)
            .thenComparing(h -> h.node().nodeId()))
        .limit(max).map(h -> h.node().serveUrl()).toList();
  }
}
