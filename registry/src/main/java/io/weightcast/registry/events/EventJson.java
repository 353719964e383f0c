package io.weightcast.registry.events;

import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.NodeProgress;

/** JSON payloads of the {@code progress} and {@code version} events (REST uses the same shape). */
public final class EventJson {
  private EventJson() {}

  public static JsonObject progress(NodeProgress n, double rate) {
    return new JsonObject().put("node", n.nodeId()).put("zone", n.zone()).put("rack", n.rack())
        .put("model", n.model()).put("version", n.version())
        .put("state", n.state().name().toLowerCase()).put("chunksDone", n.chunksDone())
        .put("chunksTotal", n.chunksTotal()).put("bytesDone", n.bytesDone())
        .put("bytesTotal", n.bytesTotal()).put("bytesReused", n.bytesReused())
        .put("bytesFromPeers", n.bytesFromPeers()).put("bytesFromOrigin", n.bytesFromOrigin())
        .put("current", n.current())
        .put("lastError", n.lastError()).put("serveUrl", n.serveUrl())
        .put("rate", Math.round(rate)).put("reportedAtMs", n.reportedAtMs());
  }

  public static JsonObject version(CommittedVersion v) {
    return new JsonObject().put("model", v.manifest().model())
        .put("version", v.manifest().version()).put("sequence", v.sequence())
        .put("totalBytes", v.manifest().totalBytes()).put("chunks", v.manifest().chunkCount())
        .put("committedAtMs", v.committedAtMs());
  }
}
