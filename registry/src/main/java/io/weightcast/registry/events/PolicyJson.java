package io.weightcast.registry.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.ModelPolicy;
import java.util.List;

/** JSON view of a model policy (REST and SSE). */
public final class PolicyJson {
  private PolicyJson() {}

  public static JsonObject json(ModelPolicy p) {
    return new JsonObject().put("model", p.model()).put("target", p.target().orElse(null))
        .put("pinned", p.pinned().orElse(null))
        .put("withdrawn", new JsonArray(List.copyOf(p.withdrawn())))
        .put("paused", new JsonArray(List.copyOf(p.paused())));
  }
}
