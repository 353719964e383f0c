package io.weightcast.protocol.topology;

import java.util.Objects;

/** Where a node sits in the cluster topology and where it serves the chunks it holds. */
public record NodeLocation(String nodeId, String zone, String rack, String serveUrl) {
  public NodeLocation {
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("nodeId must not be blank");
    }
    zone = zone == null ? "" : zone;
    rack = rack == null ? "" : rack;
    serveUrl = Objects.requireNonNullElse(serveUrl, "");
  }

  /** Racks are named within their zone: the same rack name in two zones is two racks. */
  public boolean sameRack(NodeLocation o) {
    return zone.equals(o.zone) && rack.equals(o.rack);
  }

  public boolean sameZone(NodeLocation o) {
    return zone.equals(o.zone);
  }

  /** "zone/rack", the key of the node's rack. */
  public String rackKey() {
    return zone + "/" + rack;
  }
}
