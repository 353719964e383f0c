package io.weightcast.deploy.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where {@code wait} and {@code path} learn about this host's models: the agent's local API
 * ({@code --agent}) or its data directory ({@code --data}, the default, also $WEIGHTCAST_DATA).
 */
final class LocalSourceOptions {
  @Option(names = "--data", description = "The agent's data directory (default $WEIGHTCAST_DATA or /var/lib/weightcast).")
  Path data;

  @Option(names = "--agent", description = "The agent's URL, e.g. http://127.0.0.1:7090: use its local API instead of the data directory.")
  String agent;

  /** The data directory to read, or null when the agent's API is used. */
  Path dataDir() {
    if (data != null && agent != null) {
      throw new IllegalArgumentException("give --data or --agent, not both");
    }
    if (agent != null) {
      return null;
    }
    if (data != null) {
      return data;
    }
    String env = System.getenv("WEIGHTCAST_DATA");
    return Path.of(env == null || env.isBlank() ? "/var/lib/weightcast" : env);
  }
}
