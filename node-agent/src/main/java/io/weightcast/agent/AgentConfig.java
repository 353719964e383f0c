package io.weightcast.agent;

import io.weightcast.protocol.Names;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of one node agent, validated at construction.
 *
 * @param nodeId unique name of this host in the fleet
 * @param zone topology: the failure domain / network zone of the host
 * @param rack topology: the rack (top-of-rack switch) of the host
 * @param registry registry endpoint, host:port
 * @param dataDir where models, staging and agent state live (one filesystem)
 * @param models the models this agent serves; empty means every model
 * @param host address the chunk server binds
 * @param port chunk server port (0 picks a free one)
 * @param chunksInFlight bound on chunks being fetched or written at once (memory bound:
 *     chunksInFlight x max encoded chunk size)
 * @param stallTimeoutMs a transfer with no bytes for this long is cancelled and retried
 * @param maxAttempts attempts per chunk before the version is marked failed
 * @param keepVersions versions kept per model (the active one always stays)
 * @param verifyFiles re-hash whole files before activation (the chunks are verified anyway)
 * @param retryFailedMs a failed version is tried again after this long, unless superseded
 * @param advertiseUrl where peers reach this agent's chunk server ("" = derived from host:port)
 * @param handover hand-over to the loader on this host: warm-up, page locking, local API access
 * @param guards trusted manifest keys and bandwidth caps
 */
public record AgentConfig(String nodeId, String zone, String rack, String registry, Path dataDir,
    List<String> models, String host, int port, int chunksInFlight, long stallTimeoutMs,
    int maxAttempts, int keepVersions, boolean verifyFiles, long retryFailedMs,
    String advertiseUrl, HandoverConfig handover, GuardConfig guards) {

  public AgentConfig {
    handover = handover == null ? HandoverConfig.DEFAULTS : handover;
    guards = guards == null ? GuardConfig.DEFAULTS : guards;
    if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException("node id must be 1-128 of [A-Za-z0-9._-]: '" + nodeId
          + "'");
    }
    zone = zone == null ? "" : zone;
    rack = rack == null ? "" : rack;
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(dataDir, "dataDir");
    models = List.copyOf(models == null ? List.of() : models);
    models.forEach(Names::requireModel);
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    if (chunksInFlight < 1 || chunksInFlight > 1024) {
      throw new IllegalArgumentException("chunksInFlight must be in [1, 1024], got "
          + chunksInFlight);
    }
    if (stallTimeoutMs < 100) {
      throw new IllegalArgumentException("stallTimeoutMs must be >= 100, got " + stallTimeoutMs);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    advertiseUrl = advertiseUrl == null ? "" : advertiseUrl.strip();
    if (!advertiseUrl.isEmpty()) {
      advertiseUrl = io.weightcast.protocol.wire.Endpoints.baseUrl(advertiseUrl);
    }
    if (retryFailedMs < 10) {
      throw new IllegalArgumentException("retryFailedMs must be >= 10, got " + retryFailedMs);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keepVersions must be >= 1, got " + keepVersions);
    }
  }

  /** Defaults for everything but identity, registry and data directory. */
  public static AgentConfig defaults(String nodeId, String zone, String rack, String registry,
      Path dataDir) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, List.of(), "127.0.0.1", 0, 16,
        10_000, 5, 2, false, 30_000, "", HandoverConfig.DEFAULTS, GuardConfig.DEFAULTS);
  }

  public AgentConfig withModels(List<String> m) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, m, host, port, chunksInFlight,
        stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, retryFailedMs, advertiseUrl,
        handover, guards);
  }

  public AgentConfig withServer(String h, int p) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, h, p, chunksInFlight,
        stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, retryFailedMs, advertiseUrl,
        handover, guards);
  }

  public AgentConfig withFetch(int inFlight, long stallMs, int attempts) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port, inFlight,
        stallMs, attempts, keepVersions, verifyFiles, retryFailedMs, advertiseUrl,
        handover, guards);
  }

  public AgentConfig withRetention(int keep, boolean verify) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port,
        chunksInFlight, stallTimeoutMs, maxAttempts, keep, verify, retryFailedMs, advertiseUrl,
        handover, guards);
  }

  public AgentConfig withRetryFailedMs(long ms) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port,
        chunksInFlight, stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, ms, advertiseUrl,
        handover, guards);
  }

  public AgentConfig withAdvertiseUrl(String url) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port,
        chunksInFlight, stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, retryFailedMs,
        url, handover, guards);
  }

  public AgentConfig withHandover(HandoverConfig h) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port,
        chunksInFlight, stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, retryFailedMs,
        advertiseUrl, h, guards);
  }

  public AgentConfig withGuards(GuardConfig g) {
    return new AgentConfig(nodeId, zone, rack, registry, dataDir, models, host, port,
        chunksInFlight, stallTimeoutMs, maxAttempts, keepVersions, verifyFiles, retryFailedMs,
        advertiseUrl, handover, g);
  }

  /** Where the agent's own state (watch position, activated sequences, manifests) lives. */
  public Path stateDir() {
    return dataDir.resolve("state");
  }
}
