package io.weightcast.distributor.routing;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.NodeLocation;
import io.weightcast.protocol.topology.SourceRanker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The distributor's live view of the fleet: which nodes exist and where, which verified chunks
 * each holds, the crossing grants handed out per chunk and rack/zone, recent upload load, and
 * quarantined sources. Answers "where do I get chunk C?" with {@link SourceRanker}. Not
 * thread-safe: confined to the distributor verticle's context.
 *
 * <p>Load of a node = sources handed out naming it in the last {@code loadWindowMs} (a stand-in
 * for uploads in flight). A source reported failing {@code quarantineAfter} times within
 * {@code quarantineMs} is skipped for {@code quarantineMs}. At most {@code maxRackCrossings}
 * chunks cross into one rack at once ({@link RackCrossings}; 0 = no cap): a requester that would
 * start one more waits.
 */
public final class TopologyTable implements FleetTopology {
  private static final int MAX_TRANSFER_LOG = 200_000;

  private final SourceRanker ranker;
  private final LongSupplier clock;
  private final long grantLeaseMs;
  private final long quarantineMs;
  private final int quarantineAfter;
  private static final long LOAD_WINDOW_MS = 5_000;
  private final Map<String, NodeLocation> nodes = new LinkedHashMap<>();
  private final Map<String, String> nodeByUrl = new HashMap<>();
  private final Map<Digest, Set<String>> holders = new HashMap<>();
  /** A crossing granted to {@code node} at {@code at}: live for {@code grantLeaseMs}. */
  private record Grant(long at, String node) {}

  private final Map<String, Deque<Grant>> grants = new HashMap<>();
  private final RecentEvents handedOut = new RecentEvents(LOAD_WINDOW_MS);
  private final RecentEvents failures;
  private final Map<String, Long> quarantinedUntil = new HashMap<>();
  private final List<Transfer> transfers = new ArrayList<>();
  private final Map<String, Set<Digest>> heldBy = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  /** Rack key to the ids of the nodes last seen in it. */
  private final Map<String, Set<String>> rackMembers = new HashMap<>();
  private final RackCrossings crossings;
  /** A node silent this long (agents announce at least every 10 s) is no longer offered. */
  public static final long NODE_TTL_MS = 30_000;

  public TopologyTable(SourceRanker ranker, LongSupplier clock, long grantLeaseMs,
      long quarantineMs, int quarantineAfter) {
    this(ranker, clock, grantLeaseMs, quarantineMs, quarantineAfter, 0);
  }

  public TopologyTable(SourceRanker ranker, LongSupplier clock, long grantLeaseMs,
      long quarantineMs, int quarantineAfter, int maxRackCrossings) {
    this.crossings = new RackCrossings(maxRackCrossings, grantLeaseMs);
    this.failures = new RecentEvents(quarantineMs);
    this.ranker = ranker;
    this.clock = clock;
    this.grantLeaseMs = grantLeaseMs;
    this.quarantineMs = quarantineMs;
    this.quarantineAfter = quarantineAfter;
  }

  /** A node tells where it is, which chunks it now holds verified, and where it got them. */
  public void announce(NodeLocation node, Collection<Digest> have,
      Map<Digest, String> fetchedFrom) {
    announce(node, have, fetchedFrom, false);
  }

  /**
   * Like {@link #announce(NodeLocation, Collection, Map)}; with {@code full} the list is all the
   * node holds (its first announcement after a start), replacing what was known of it: a node that
   * restarted with an empty disk must not be offered for chunks it no longer has.
   */
  @Override
  public void announce(NodeLocation node, Collection<Digest> have,
      Map<Digest, String> fetchedFrom, boolean full) {
    lastSeen.put(node.nodeId(), clock.getAsLong());
    if (full) {
      // A restarted node fetches anew: the crossings granted to its previous life would only
      // make it (and its rack) wait out their lease.
      grants.values().forEach(q -> q.removeIf(g -> g.node().equals(node.nodeId())));
      grants.values().removeIf(Deque::isEmpty);
      for (Digest d : heldBy.getOrDefault(node.nodeId(), Set.of())) {
        Set<String> h = holders.get(d);
        if (h != null) {
          h.remove(node.nodeId());
        }
      }
      heldBy.remove(node.nodeId());
    }
    NodeLocation before = nodes.put(node.nodeId(), node);
    if (before != null && !before.rackKey().equals(node.rackKey())) {
      Set<String> old = rackMembers.get(before.rackKey());
      if (old != null) {
        old.remove(node.nodeId());
      }
    }
    rackMembers.computeIfAbsent(node.rackKey(), k -> new HashSet<>()).add(node.nodeId());
    if (before != null && !before.serveUrl().equals(node.serveUrl())) {
      nodeByUrl.remove(before.serveUrl());
    }
    if (!node.serveUrl().isEmpty()) {
      nodeByUrl.put(node.serveUrl(), node.nodeId());
    }
    Set<Digest> mine = heldBy.computeIfAbsent(node.nodeId(), k -> new HashSet<>());
    for (Digest d : have) {
      holders.computeIfAbsent(d, k -> new HashSet<>()).add(node.nodeId());
      mine.add(d);
      crossings.ended(node.rackKey(), d);
    }
    fetchedFrom.forEach((chunk, from) -> logTransfer(chunk, from, node));
  }

  @Override
  public Answer sources(NodeLocation requester, Digest chunk, String originUrl, Scope scope) {
    long now = clock.getAsLong();
    List<SourceRanker.Holder> candidates = new ArrayList<>();
    for (String id : holders.getOrDefault(chunk, Set.of())) {
      NodeLocation n = nodes.get(id);
      if (n == null || id.equals(requester.nodeId()) || n.serveUrl().isEmpty()
          || quarantined(n.serveUrl(), now)
          || lastSeen.getOrDefault(id, 0L) < now - NODE_TTL_MS) {
        continue;
      }
      candidates.add(new SourceRanker.Holder(n, handedOut.count(n.serveUrl(), now)));
    }
    String rackKey = "rack:" + chunk.hex() + ":" + requester.rackKey();
    String zoneKey = "zone:" + chunk.hex() + ":" + requester.zone();
    SourceRanker.Ranking r = ranker.rank(requester, candidates,
        liveGrants(rackKey, now, requester.nodeId()), liveGrants(zoneKey, now, requester.nodeId()),
        originUrl);
    if (r.waitForRackCopy() || !scope.allows(r.crossesRack())
        || r.crossesRack()
            && !crossings.mayStart(requester.rackKey(), liveInRack(requester, now), now)) {
      return Answer.WAIT;
    }
    if (r.crossesRack()) {
      grant(rackKey, requester.nodeId(), now);
      crossings.started(requester.rackKey(), chunk, now);
    }
    if (r.crossesZone()) {
      grant(zoneKey, requester.nodeId(), now);
    }
    handedOut.add(r.sources().get(0), now);
    return new Answer(r.sources(), false, r.crossesRack());
  }

  @Override
  public void renewCrossings(NodeLocation node, Collection<Digest> chunks) {
    long now = clock.getAsLong();
    for (Digest chunk : chunks) {
      if (renew("rack:" + chunk.hex() + ":" + node.rackKey(), node.nodeId(), now)) {
        crossings.renew(node.rackKey(), chunk, now);
      }
      renew("zone:" + chunk.hex() + ":" + node.zone(), node.nodeId(), now);
    }
  }

  /** Renews {@code node}'s unexpired grants of {@code grantKey}; answers whether it held one. */
  private boolean renew(String grantKey, String node, long now) {
    Deque<Grant> q = grants.get(grantKey);
    if (q == null) {
      return false;
    }
    boolean renewed = false;
    List<Grant> all = new ArrayList<>(q);
    q.clear();
    for (Grant g : all) {
      boolean mine = g.node().equals(node) && g.at() > now - grantLeaseMs;
      q.add(mine ? new Grant(now, node) : g);
      renewed |= mine;
    }
    return renewed;
  }

  /** Grants {@code grantKey} to {@code node}: one grant per node, a new one replaces its old. */
  private void grant(String grantKey, String node, long now) {
    Deque<Grant> q = grants.computeIfAbsent(grantKey, k -> new ArrayDeque<>());
    q.removeIf(g -> g.node().equals(node));
    q.add(new Grant(now, node));
  }

  /** Live nodes in {@code requester}'s rack, the requester included (it is asking). */
  private int liveInRack(NodeLocation requester, long now) {
    int n = 1;
    for (String id : rackMembers.getOrDefault(requester.rackKey(), Set.of())) {
      if (!id.equals(requester.nodeId()) && lastSeen.getOrDefault(id, 0L) >= now - NODE_TTL_MS) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code reporter} could not get a good copy of {@code chunk} from {@code sourceUrl}: the
   * crossing granted for that fetch is released unless the reporter is {@code goingOn} to its next
   * source (so its rack need not wait out the lease), and a
   * peer that fails repeatedly is quarantined. The origin is never quarantined. Answers true when
   * this report put {@code sourceUrl} into quarantine (false when it extends one).
   */
  @Override
  public boolean reportFailure(NodeLocation reporter, String sourceUrl, Digest chunk,
      String originUrl, boolean goingOn) {
    if (!goingOn) {
      if (release("rack:" + chunk.hex() + ":" + reporter.rackKey(), reporter.nodeId())) {
        crossings.ended(reporter.rackKey(), chunk);
      }
      release("zone:" + chunk.hex() + ":" + reporter.zone(), reporter.nodeId());
    }
    if (sourceUrl.equals(originUrl)) {
      return false;
    }
    long now = clock.getAsLong();
    if (failures.add(sourceUrl, now) >= quarantineAfter) {
      boolean already = quarantined(sourceUrl, now);
      quarantinedUntil.put(sourceUrl, now + quarantineMs);
      failures.clear(sourceUrl);
      return !already;
    }
    return false;
  }

  /**
   * Releases the oldest grant of {@code grantKey} held by {@code node}; answers whether it held
   * one. Only its own: a node whose fetch inside its rack failed holds no crossing, and releasing
   * a rack-mate's would let the chunk cross a second time while that one is still on its way.
   */
  private boolean release(String grantKey, String node) {
    Deque<Grant> q = grants.get(grantKey);
    if (q == null) {
      return false;
    }
    Grant own = q.stream().filter(g -> g.node().equals(node)).findFirst().orElse(null);
    return own != null && q.remove(own);
  }

  /**
   * Unexpired grants of {@code key} held by nodes other than {@code requester}; expired ones are
   * dropped. The requester's own does not make it wait (as in SharedTopology): it asks again for
   * a chunk it was granted, e.g. the same digest in its next version after a local copy, and
   * while it renews that grant it would wait for itself.
   */
  private int liveGrants(String key, long now, String requester) {
    Deque<Grant> q = grants.get(key);
    if (q == null) {
      return 0;
    }
    q.removeIf(g -> g.at() <= now - grantLeaseMs);
    if (q.isEmpty()) {
      grants.remove(key);
      return 0;
    }
    return (int) q.stream().filter(g -> !g.node().equals(requester)).count();
  }

  @Override
  public boolean quarantined(String url) {
    return quarantined(url, clock.getAsLong());
  }

  public boolean quarantined(String url, long now) {
    Long until = quarantinedUntil.get(url);
    return until != null && until > now;
  }

  @Override
  public List<Transfer> transfers() {
    return List.copyOf(transfers);
  }

  @Override
  public Collection<NodeLocation> nodes() {
    return List.copyOf(nodes.values());
  }

  public int holderCount(Digest chunk) {
    return holders.getOrDefault(chunk, Set.of()).size();
  }

  private void logTransfer(Digest chunk, String from, NodeLocation to) {
    if (transfers.size() >= MAX_TRANSFER_LOG) {
      transfers.remove(0);
    }
    String sourceId = nodeByUrl.get(from);
    NodeLocation source = sourceId == null ? null : nodes.get(sourceId);
    transfers.add(new Transfer(chunk, from, source == null ? "origin" : source.rackKey(),
        to.nodeId(), to.rackKey()));
  }
}
