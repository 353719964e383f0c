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

  /** An answer for one chunk: sources in order, or wait for a copy on its way. */
  record Answer(List<String> sources, boolean waitForCopy) {
    public Answer {
      sources = List.copyOf(sources);
    }

    static final Answer WAIT = new Answer(List.of(), true);
  }

  /**
   * A node tells where it is, which chunks it now holds verified, and where it got them; with
   * {@code full} the list is all it holds (its first announcement after a start), replacing what
   * was known of it.
   */
  void announce(NodeLocation node, Collection<Digest> have, Map<Digest, String> fetchedFrom,
      boolean full);

  /** Ranks the sources of {@code chunk} for {@code requester} and records the grants made. */
  Answer sources(NodeLocation requester, Digest chunk, String originUrl);

  /**
   * {@code reporter} could not get a good copy of {@code chunk} from {@code sourceUrl}: its
   * crossing grant is released, and a peer that fails repeatedly is quarantined (never the
   * origin). Answers true when this report put {@code sourceUrl} into quarantine.
   */
  boolean reportFailure(NodeLocation reporter, String sourceUrl, Digest chunk, String originUrl);

  /** Whether {@code url} is quarantined now (shown in the nodes API). */
  boolean quarantined(String url);

  /** The transfer log (what crossed from where to where). */
  List<Transfer> transfers();

  /** Every node known. */
  Collection<NodeLocation> nodes();
}
