package io.weightcast.registry;

import io.weightcast.registry.limits.PublishLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of the registry role, validated at construction. Port 0 picks a free port.
 * {@code limits}: what one publish may hold ({@link PublishLimits}).
 */
public record RegistryConfig(String host, int port, Path dataDir, PublishLimits limits) {
  public RegistryConfig {
    limits = limits == null ? PublishLimits.DEFAULTS : limits;
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
  }

  /** With the default publish limits. */
  public RegistryConfig(String host, int port, Path dataDir) {
    this(host, port, dataDir, PublishLimits.DEFAULTS);
  }
}
