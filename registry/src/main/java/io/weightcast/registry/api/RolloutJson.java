package io.weightcast.registry.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.registry.events.EventJson;
import io.weightcast.registry.progress.RolloutSummary;
import java.util.List;

/** JSON views of {@link RolloutSummary}: totals only (the list) or zones, racks and nodes. */
final class RolloutJson {
  private RolloutJson() {}

  static JsonObject totals(RolloutSummary s, boolean committed) {
    return new JsonObject().put("model", s.model()).put("version", s.version())
        .put("state", s.state()).put("committed", committed)
        .put("totals", new JsonObject().put("nodes", s.nodes()).put("active", s.active())
            .put("failed", s.failed()).put("bytesDone", s.bytesDone())
            .put("bytesTotal", s.bytesTotal()).put("bytesReused", s.bytesReused())
            .put("sourceMix", new JsonObject().put("origin",
                    s.bytesDone() - s.bytesReused() - s.bytesFromPeers())
                .put("peers", s.bytesFromPeers()).put("local", s.bytesReused())))
        .put("rate", Math.round(s.rate())).put("etaSeconds", round(s.etaSeconds()));
  }

  static JsonObject detail(RolloutSummary s, boolean committed) {
    JsonArray zones = new JsonArray();
    JsonArray flat = new JsonArray();
    s.zones().forEach((zone, racks) -> {
      JsonArray rackList = new JsonArray();
      racks.forEach((rack, nodes) -> {
        long done = nodes.stream().mapToLong(n -> n.progress().bytesDone()).sum();
        long total = nodes.stream().mapToLong(n -> n.progress().bytesTotal()).sum();
        rackList.add(new JsonObject().put("rack", rack).put("bytesDone", done)
            .put("bytesTotal", total).put("nodes", nodes(nodes)));
        flat.addAll(nodes(nodes));
      });
      zones.add(new JsonObject().put("zone", zone).put("racks", rackList));
    });
    return totals(s, committed).put("zones", zones).put("nodes", flat)
        .put("stragglers", nodes(s.stragglers())).put("errors", nodes(s.errors()));
  }

  private static JsonArray nodes(List<RolloutSummary.Node> nodes) {
    JsonArray out = new JsonArray();
    nodes.forEach(n -> out.add(EventJson.progress(n.progress(), n.rate())
        .put("etaSeconds", round(n.etaSeconds()))));
    return out;
  }

  private static Double round(Double seconds) {
    return seconds == null ? null : Math.round(seconds * 10) / 10.0;
  }
}
