package io.weightcast.registry.events;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One change the registry streams to operators: {@code type} is the SSE event name (progress,
 * version, control, policy), {@code data} its JSON payload.
 */
public record RegistryEvent(String type, JsonObject data) {
  public RegistryEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
  }
}
