package io.weightcast.registry;

import java.nio.file.Path;
import java.util.Objects;

/** Configuration of the registry role, validated at construction. Port 0 picks a free port. */
public record RegistryConfig(String host, int port, Path dataDir) {
  public RegistryConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
  }
}
