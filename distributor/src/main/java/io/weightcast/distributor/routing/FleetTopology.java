package io.weightcast.distributor.routing;

import io.weightcast.protocol.Digest;
import io.weightcast.protocol.topology.NodeLocation;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The distributor's view of the fleet, behind the topology API: where nodes are, which verified
 * chunks they hold, and where each chunk should be fetched from ({@code SourceRanker}). Two
 * implementations: {@link TopologyTable} (one distributor, in memory, confined to its context)
 * and {@link SharedTopology} (a clustered control plane, Hazelcast maps, blocking and
 * thread-safe). {@link TopologyRunner} says where the calls run.
 */
public interface FleetTopology {
  /** One transfer an agent reported: the chunk, where it came from and where it went. */
  record Transfer(Digest chunk, String from, String fromRack, String to, String toRack) {}

  /**
   * An answer for one chunk: sources in order, or wait for a copy on its way; {@code crossesRack}
   * when the sources are outside the requester's rack (a peer there is asked for the encoded
   * frame, to cross the uplink with fewer bytes).
   */
  record Answer(List<String> sources, boolean waitForCopy, boolean crossesRack) {
    public Answer {
      sources = List.copyOf(sources);
    }

    static final Answer WAIT = new Answer(List.of(), true, false);
  }

  /**
   * A node tells where it is, which chunks it now holds verified, and where it got them; with
   * {@code full} the list is all it holds (its first announcement after a start), replacing what
   * was known of it.
   */
  void announce(NodeLocation node, Collection<Digest> have, Map<Digest, String> fetchedFrom,
      boolean full);

  /**
   * {@code node} is still fetching {@code chunks} across its rack's boundary: the crossing grants
   * it holds for them (and their places under the rack's cap) start a new lease. Grants it does
   * not hold, or whose lease ran out, are left alone. Why: a lease must be short for a fetcher
   * that died to free its rack quickly, yet a live crossing behind a busy uplink can take longer
   * than that; when its grant lapsed, a rack-mate started a second crossing of the same chunk.
   */
  void renewCrossings(NodeLocation node, Collection<Digest> chunks);

  /** Which answers a {@link #sources(NodeLocation, Digest, String, Scope)} call may give. */
  enum Scope {
    /** Any: a rack holder, or a crossing when the budget and the cap allow one. */
    ANY,
    /** Only a crossing into the requester's rack (granted); anything else is WAIT, no side effect. */
    CROSSING,
    /** Only a holder inside the requester's rack (nothing granted); else WAIT. */
    IN_RACK;

    /** Whether an answer that does (or does not) cross into the requester's rack is allowed. */
    public boolean allows(boolean crossesRack) {
      return this == ANY || (this == CROSSING) == crossesRack;
    }
  }

  /** Ranks the sources of {@code chunk} for {@code requester} and records the grants made. */
  default Answer sources(NodeLocation requester, Digest chunk, String originUrl) {
    return sources(requester, chunk, originUrl, Scope.ANY);
  }

  /** Like {@link #sources(NodeLocation, Digest, String)}, limited to the answers {@code scope} allows. */
  Answer sources(NodeLocation requester, Digest chunk, String originUrl, Scope scope);

  /**
   * Picks at most {@code want} of {@code candidates} (the requester's missing chunks, in its own
   * order) for it to fetch now, with their sources: (1) chunks that may cross into its rack now
   * (within the per-chunk budget and the rack's cap), so the uplink stays busy with distinct
   * chunks; (2) then chunks already held inside its rack. Candidates not picked are neither
   * granted nor counted: the requester asks again when a slot frees. Why a pick and not one
   * chunk per slot: a slot waiting on a chunk whose copy is still crossing would sit idle while
   * rack-mates hold other chunks it lacks. Blocking like the other methods (see
   * {@link TopologyRunner}).
   */
  default Map<Digest, Answer> pick(NodeLocation requester, List<Digest> candidates,
      int want, String originUrl) {
    Map<Digest, Answer> picked = new java.util.LinkedHashMap<>();
    for (Scope scope : List.of(Scope.CROSSING, Scope.IN_RACK)) {
      for (Digest d : candidates) {
        if (picked.size() >= want) {
          return picked;
        }
        if (!picked.containsKey(d)) {
          Answer a = sources(requester, d, originUrl, scope);
          if (!a.waitForCopy()) {
            picked.put(d, a);
          }
        }
      }
    }
    return picked;
  }

  /**
   * {@code reporter} could not get a good copy of {@code chunk} from {@code sourceUrl}: its
   * crossing grant is released, and a peer that fails repeatedly is quarantined (never the
   * origin). Answers true when this report put {@code sourceUrl} into quarantine.
   */
  default boolean reportFailure(NodeLocation reporter, String sourceUrl, Digest chunk,
      String originUrl) {
    return reportFailure(reporter, sourceUrl, chunk, originUrl, false);
  }

  /**
   * Like {@link #reportFailure(NodeLocation, String, Digest, String)}; with {@code goingOn} the
   * reporter goes on to the next source of the same answer, so its crossing grant stays (released,
   * a rack-mate would start a second crossing while this one is still on its way).
   */
  boolean reportFailure(NodeLocation reporter, String sourceUrl, Digest chunk, String originUrl,
      boolean goingOn);

  /** Whether {@code url} is quarantined now (shown in the nodes API). */
  boolean quarantined(String url);

  /** The transfer log (what crossed from where to where). */
  List<Transfer> transfers();

  /** Every node known. */
  Collection<NodeLocation> nodes();
}
