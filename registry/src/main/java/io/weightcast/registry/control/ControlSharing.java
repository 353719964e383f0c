package io.weightcast.registry.control;

/**
 * Where a control change is made durable beyond this registry's own file before it is applied:
 * nowhere for a single registry, the cluster's map for a clustered one (registry/.../cluster).
 * Blocking; called on the registry's log worker.
 */
public interface ControlSharing {
  ControlSharing LOCAL = (model, before, next, done) -> { };

  /**
   * Records {@code next} as {@code model}'s control, provided the shared state still is
   * {@code before}; throws a retryable failure when another registry changed it meanwhile.
   */
  void share(String model, ModelControl before, ModelControl next, ControlAction done);
}
