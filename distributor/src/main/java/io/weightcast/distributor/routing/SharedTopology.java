package io.weightcast.distributor.routing;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.CrossingCap;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.topology.SourceRanker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The fleet topology of a clustered control plane, in Hazelcast, so every distributor of the
 * cluster ranks from the same holders, liveness, crossing grants and quarantine: an agent that
 * fails over to another distributor gets the same answer, and a chunk's crossing budget is one
 * for the whole cluster, not one per distributor. Maps (backed up synchronously once, as every
 * {@code weightcast.*} map, see ClusteredVertx):
 * <ul>
 *   <li>{@code weightcast.topology.nodes}: node id to "zone TAB rack TAB serveUrl", TTL
 *       {@link TopologyTable#NODE_TTL_MS} renewed by every announcement (absent = not offered);
 *   <li>{@code weightcast.topology.urls}: serve URL to "node id TAB rack key" (the transfer log's
 *       source rack), TTL {@link #TRANSFER_TTL_MS} renewed by every announcement;
 *   <li>MultiMaps {@code weightcast.topology.holders} (chunk hex to node ids) and
 *       {@code weightcast.topology.held-by} (node id to chunk hexes, for a full announcement);
 *   <li>{@code weightcast.topology.grants}: crossing slots "rack:CHUNK:ZONE/RACK#j" and
 *       "zone:CHUNK:ZONE#j" (j below the budget) to the grantee, TTL = grant lease. A slot is
 *       claimed with {@code putIfAbsent}, so two distributors never hand out the same slot;
 *   <li>the same map holds the cap on concurrent crossings per rack (see {@link RackCrossings}):
 *       slots "inflight:ZONE/RACK#j" (j below the cap) to the chunk crossing, released when a node
 *       of the rack announces it or its fetcher reports a failure, TTL = grant lease;
 *   <li>{@code weightcast.topology.quarantine}: source URL to quarantined-until, TTL = quarantine;
 *   <li>{@code weightcast.topology.transfers}: "CHUNK TO FROM" to "FROM TAB fromRack TAB toRack",
 *       TTL {@link #TRANSFER_TTL_MS}; keyed, so an announcement repeated to several distributors
 *       (or re-sent after a failed flush) is logged once.
 * </ul>
 * Kept per distributor: load (sources handed out naming a holder in the last 5 s, the tie-break)
 * and the failure counts that lead to a quarantine. Holder entries of a node that went away stay
 * in the MultiMaps; its expired {@code nodes} entry filters them out.
 *
 * <p>Thread-safe; every method blocks on Hazelcast: run it on a worker
 * ({@link TopologyRunner#on}).
 */
public final class SharedTopology implements FleetTopology {
  static final long TRANSFER_TTL_MS = 3_600_000;
  private static final long LOAD_WINDOW_MS = 5_000;

  private final SourceRanker ranker;
  private final int rackBudget;
  private final int zoneBudget;
  private final LongSupplier clock;
  private final long grantLeaseMs;
  private final long quarantineMs;
  private final int quarantineAfter;
  private final int maxRackCrossings;
  private final IMap<String, String> nodes;
  private final IMap<String, String> urls;
  private final MultiMap<String, String> holders;
  private final MultiMap<String, String> heldBy;
  private final IMap<String, String> grants;
  private final IMap<String, Long> quarantine;
  private final IMap<String, String> transfers;
  private final RecentEvents load = new RecentEvents(LOAD_WINDOW_MS);
  private final RecentEvents failures;
  private static final long RACKS_REFRESH_MS = 2_000;
  static final int MAX_PICK_CANDIDATES = 64;
  private volatile RackSizes rackSizes;

  public SharedTopology(HazelcastInstance hz, int maxSources, int rackBudget, int zoneBudget,
      LongSupplier clock, long grantLeaseMs, long quarantineMs, int quarantineAfter,
      int maxRackCrossings) {
    this.maxRackCrossings = maxRackCrossings;
    this.ranker = new SourceRanker(maxSources, rackBudget, zoneBudget);
    this.rackBudget = rackBudget;
    this.zoneBudget = zoneBudget;
    this.clock = clock;
    this.grantLeaseMs = grantLeaseMs;
    this.quarantineMs = quarantineMs;
    this.quarantineAfter = quarantineAfter;
    this.failures = new RecentEvents(quarantineMs);
    this.nodes = hz.getMap("weightcast.topology.nodes");
    this.urls = hz.getMap("weightcast.topology.urls");
    this.holders = hz.getMultiMap("weightcast.topology.holders");
    this.heldBy = hz.getMultiMap("weightcast.topology.held-by");
    this.grants = hz.getMap("weightcast.topology.grants");
    this.quarantine = hz.getMap("weightcast.topology.quarantine");
    this.transfers = hz.getMap("weightcast.topology.transfers");
  }

  /** (1) renew the node; (2) on a full announcement drop what it held; (3) add; (4) log. */
  @Override
  public void announce(NodeLocation node, Collection<Digest> have,
      Map<Digest, String> fetchedFrom, boolean full) {
    String id = node.nodeId();
    nodes.set(id, node.zone() + "\t" + node.rack() + "\t" + node.serveUrl(),
        TopologyTable.NODE_TTL_MS, TimeUnit.MILLISECONDS);
    if (!node.serveUrl().isEmpty()) {
      urls.set(node.serveUrl(), id + "\t" + node.rackKey(), TRANSFER_TTL_MS,
          TimeUnit.MILLISECONDS);
    }
    if (full) {
      for (String chunk : heldBy.remove(id)) {
        holders.remove(chunk, id);
      }
    }
    endCrossings(node.rackKey(), have);
    if (!have.isEmpty()) {
      Map<String, Collection<? extends String>> byChunk = new HashMap<>();
      List<String> hexes = new ArrayList<>();
      for (Digest d : have) {
        byChunk.put(d.hex(), List.of(id));
        hexes.add(d.hex());
      }
      holders.putAllAsync(byChunk).toCompletableFuture().join();
      heldBy.putAllAsync(id, hexes).toCompletableFuture().join();
    }
    fetchedFrom.forEach((chunk, from) -> {
      String source = urls.get(from);
      String fromRack = source == null ? "origin" : source.substring(source.indexOf('\t') + 1);
      transfers.set(chunk.hex() + " " + id + " " + from,
          from + "\t" + fromRack + "\t" + node.rackKey(), TRANSFER_TTL_MS, TimeUnit.MILLISECONDS);
    });
  }

  /**
   * (1) live, unquarantined holders other than the requester; (2) the crossing slots taken for
   * the requester's rack and zone; (3) rank; (4) a crossing answer must claim a free slot of each
   * boundary it crosses, else (another distributor took it first) the requester waits.
   */
  @Override
  public Answer sources(NodeLocation requester, Digest chunk, String originUrl, Scope scope) {
    long now = clock.getAsLong();
    List<SourceRanker.Holder> candidates = liveHolders(requester, chunk.hex(), now);
    List<String> rackSlots = slots("rack:" + chunk.hex() + ":" + requester.rackKey(), rackBudget);
    List<String> zoneSlots = slots("zone:" + chunk.hex() + ":" + requester.zone(), zoneBudget);
    Set<String> keys = new HashSet<>(rackSlots);
    keys.addAll(zoneSlots);
    // A slot the requester holds itself (its fetch failed at a distributor that is now gone,
    // so the release never arrived) is its own to reuse, not one to wait for.
    Set<String> taken = new HashSet<>();
    grants.getAll(keys).forEach((slot, grantee) -> {
      if (!grantee.equals(requester.nodeId())) {
        taken.add(slot);
      }
    });
    SourceRanker.Ranking r = ranker.rank(requester, candidates, count(rackSlots, taken),
        count(zoneSlots, taken), originUrl);
    if (r.waitForRackCopy() || !scope.allows(r.crossesRack())) {
      return Answer.WAIT;
    }
    String inFlight = r.crossesRack() ? startCrossing(requester, chunk.hex()) : "";
    if (inFlight == null) {
      return Answer.WAIT;
    }
    String rackSlot = r.crossesRack() ? claim(rackSlots, taken, requester.nodeId()) : "";
    if (rackSlot == null) {
      grants.remove(inFlight, chunk.hex());
      return Answer.WAIT;
    }
    if (r.crossesZone() && claim(zoneSlots, taken, requester.nodeId()) == null) {
      grants.remove(rackSlot, requester.nodeId());
      grants.remove(inFlight, chunk.hex());
      return Answer.WAIT;
    }
    load.add(r.sources().get(0), now);
    return new Answer(r.sources(), false, r.crossesRack());
  }

  /**
   * Looks at the first {@link #MAX_PICK_CANDIDATES} candidates only: each one costs a few
   * Hazelcast round trips here, and the agent asks again as soon as a slot frees.
   */
  @Override
  public Map<Digest, Answer> pick(NodeLocation requester, List<Digest> candidates,
      int want, String originUrl) {
    return FleetTopology.super.pick(requester,
        candidates.subList(0, Math.min(candidates.size(), MAX_PICK_CANDIDATES)), want, originUrl);
  }

  private List<SourceRanker.Holder> liveHolders(NodeLocation requester, String chunk, long now) {
    Set<String> ids = new HashSet<>(holders.get(chunk));
    ids.remove(requester.nodeId());
    List<SourceRanker.Holder> out = new ArrayList<>();
    if (ids.isEmpty()) {
      return out;
    }
    Map<String, NodeLocation> live = new HashMap<>();
    nodes.getAll(ids).forEach((id, encoded) -> {
      String[] f = encoded.split("\t", 3);
      if (f.length == 3 && !f[2].isEmpty()) {
        live.put(f[2], new NodeLocation(id, f[0], f[1], f[2]));
      }
    });
    Set<String> quarantined = live.isEmpty() ? Set.of() : quarantine.getAll(live.keySet()).keySet();
    live.forEach((url, n) -> {
      if (!quarantined.contains(url)) {
        out.add(new SourceRanker.Holder(n, load.count(url, now)));
      }
    });
    return out;
  }

  /**
   * A slot of the rack's crossing cap for {@code chunk} (the one it already has, else a free
   * one); "" when there is no cap, null when the cap is reached.
   */
  private String startCrossing(NodeLocation requester, String chunk) {
    String rackKey = requester.rackKey();
    int cap = CrossingCap.forRack(maxRackCrossings, liveInRack(requester));
    if (cap == 0) {
      return "";
    }
    List<String> slots = slots("inflight:" + rackKey, cap);
    Map<String, String> held = grants.getAll(new HashSet<>(slots));
    for (Map.Entry<String, String> e : held.entrySet()) {
      if (e.getValue().equals(chunk)) {
        grants.setTtl(e.getKey(), grantLeaseMs, TimeUnit.MILLISECONDS);
        return e.getKey();
      }
    }
    return claim(slots, held.keySet(), chunk);
  }

  /**
   * Live nodes in {@code requester}'s rack, the requester included (its cap, as in
   * {@link TopologyTable}). From a snapshot of the nodes map, refreshed at most every
   * {@link #RACKS_REFRESH_MS}: a rack-mate that just appeared is counted within that.
   */
  private int liveInRack(NodeLocation requester) {
    Set<String> mates = rackMembers().getOrDefault(requester.rackKey(), Set.of());
    return mates.size() + (mates.contains(requester.nodeId()) ? 0 : 1);
  }

  /** Rack key to the ids in the nodes map (the snapshot of {@link #liveInRack}). */
  private Map<String, Set<String>> rackMembers() {
    long now = clock.getAsLong();
    RackSizes sizes = rackSizes;
    if (sizes == null || sizes.at() <= now - RACKS_REFRESH_MS) {
      Map<String, Set<String>> members = new HashMap<>();
      nodes.forEach((id, encoded) -> {
        String[] f = encoded.split("\t", 3);
        if (f.length >= 2) {
          members.computeIfAbsent(f[0] + "/" + f[1], k -> new HashSet<>()).add(id);
        }
      });
      sizes = new RackSizes(now, members);
      rackSizes = sizes;
    }
    return sizes.members();
  }

  /** Rack key to node ids, as of {@code at}. */
  private record RackSizes(long at, Map<String, Set<String>> members) {}

  /** Renews the slots {@code node} holds for {@code chunks} (TTL = the grant lease again). */
  @Override
  public void renewCrossings(NodeLocation node, Collection<Digest> chunks) {
    Set<String> mine = new HashSet<>();
    Set<String> hexes = new HashSet<>();
    for (Digest d : chunks) {
      mine.addAll(slots("rack:" + d.hex() + ":" + node.rackKey(), rackBudget));
      mine.addAll(slots("zone:" + d.hex() + ":" + node.zone(), zoneBudget));
      hexes.add(d.hex());
    }
    boolean crossing = false;
    for (Map.Entry<String, String> e : grants.getAll(mine).entrySet()) {
      if (e.getValue().equals(node.nodeId())) {
        grants.setTtl(e.getKey(), grantLeaseMs, TimeUnit.MILLISECONDS);
        crossing |= e.getKey().startsWith("rack:");
      }
    }
    if (crossing && maxRackCrossings != 0) {
      inFlightSlots(node.rackKey(), hexes).keySet().forEach(
          slot -> grants.setTtl(slot, grantLeaseMs, TimeUnit.MILLISECONDS));
    }
  }

  private void endCrossings(String rackKey, Collection<Digest> chunks) {
    if (maxRackCrossings == 0 || chunks.isEmpty()) {
      return;
    }
    Set<String> hexes = new HashSet<>();
    chunks.forEach(d -> hexes.add(d.hex()));
    inFlightSlots(rackKey, hexes).forEach((slot, chunk) -> grants.remove(slot, chunk));
  }

  /**
   * The rack's cap slots now held by one of {@code chunks} (hex), slot to chunk: slots below the
   * largest cap the rack can have now (a cap that shrank leaves its upper slots to their lease).
   */
  private Map<String, String> inFlightSlots(String rackKey, Set<String> chunks) {
    int scan = Math.max(1, CrossingCap.forRack(maxRackCrossings,
        rackMembers().getOrDefault(rackKey, Set.of()).size()));
    Map<String, String> held = new HashMap<>();
    grants.getAll(new HashSet<>(slots("inflight:" + rackKey, scan))).forEach((slot, chunk) -> {
      if (chunks.contains(chunk)) {
        held.put(slot, chunk);
      }
    });
    return held;
  }

  private static List<String> slots(String key, int budget) {
    List<String> out = new ArrayList<>(budget);
    for (int j = 0; j < budget; j++) {
      out.add(key + "#" + j);
    }
    return out;
  }

  private static int count(List<String> slots, Set<String> taken) {
    int n = 0;
    for (String s : slots) {
      n += taken.contains(s) ? 1 : 0;
    }
    return n;
  }

  /**
   * Claims the first slot free or already held by {@code grantee} (renewing its lease); null when
   * others hold every one.
   */
  private String claim(List<String> slots, Set<String> taken, String grantee) {
    for (String s : slots) {
      if (taken.contains(s)) {
        continue;
      }
      String holder = grants.putIfAbsent(s, grantee, grantLeaseMs, TimeUnit.MILLISECONDS);
      if (holder == null) {
        return s;
      }
      if (holder.equals(grantee)) {
        grants.setTtl(s, grantLeaseMs, TimeUnit.MILLISECONDS);
        return s;
      }
    }
    return null;
  }

  @Override
  public boolean reportFailure(NodeLocation reporter, String sourceUrl, Digest chunk,
      String originUrl, boolean goingOn) {
    if (!goingOn) {
      boolean crossing = false;
      for (String s : slots("rack:" + chunk.hex() + ":" + reporter.rackKey(), rackBudget)) {
        crossing |= grants.remove(s, reporter.nodeId());
      }
      for (String s : slots("zone:" + chunk.hex() + ":" + reporter.zone(), zoneBudget)) {
        grants.remove(s, reporter.nodeId());
      }
      if (crossing) {
        // Only the reporter's own crossing ends: a rack-mate's may still be on its way.
        endCrossings(reporter.rackKey(), List.of(chunk));
      }
    }
    if (sourceUrl.equals(originUrl)) {
      return false;
    }
    long now = clock.getAsLong();
    if (failures.add(sourceUrl, now) >= quarantineAfter) {
      Long before = quarantine.put(sourceUrl, now + quarantineMs, quarantineMs,
          TimeUnit.MILLISECONDS);
      failures.clear(sourceUrl);
      return before == null;
    }
    return false;
  }

  /** The quarantine map's entries expire with their TTL: present means quarantined. */
  @Override
  public boolean quarantined(String url) {
    return quarantine.containsKey(url);
  }

  @Override
  public List<Transfer> transfers() {
    List<Transfer> out = new ArrayList<>();
    transfers.forEach((key, value) -> {
      String[] k = key.split(" ", 3);
      String[] v = value.split("\t", 3);
      out.add(new Transfer(Digest.parse(k[0]), v[0], v[1], k[1], v[2]));
    });
    return out;
  }

  @Override
  public Collection<NodeLocation> nodes() {
    List<NodeLocation> out = new ArrayList<>();
    nodes.forEach((id, encoded) -> {
      String[] f = encoded.split("\t", 3);
      out.add(new NodeLocation(id, f[0], f[1], f[2]));
    });
    return out;
  }
}
