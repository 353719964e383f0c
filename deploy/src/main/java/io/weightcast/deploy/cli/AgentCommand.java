package io.weightcast.deploy.cli;

import io.weightcast.agent.AgentConfig;
import io.weightcast.agent.AgentVerticle;
import io.weightcast.agent.GuardConfig;
import io.weightcast.agent.HandoverConfig;
import io.weightcast.protocol.limits.Bandwidth;
import io.weightcast.protocol.signing.TrustedKeys;
import io.weightcast.protocol.wire.Sizes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weightcast agent}: the node agent of one GPU host. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Run a node agent: follows announcements, fetches, verifies and activates versions.")
public final class AgentCommand implements Callable<Integer> {
  @Option(names = "--registry", defaultValue = "localhost:7070", description = "Registry host:port, or several (host:port,host:port) of one cluster, tried in turn (default ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--data", defaultValue = "./wc-data/agent", description = "Data directory: models/, staging/, state/ (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--node-id", defaultValue = "${env:WEIGHTCAST_NODE_ID:-${env:HOSTNAME:-node}}", description = "Unique node name (default: $WEIGHTCAST_NODE_ID or $HOSTNAME).")
  String nodeId;

  @Option(names = "--zone", defaultValue = "${env:WEIGHTCAST_ZONE:-}", description = "Topology zone (default: $WEIGHTCAST_ZONE).")
  String zone;

  @Option(names = "--rack", defaultValue = "${env:WEIGHTCAST_RACK:-}", description = "Topology rack (default: $WEIGHTCAST_RACK).")
  String rack;

  @Option(names = "--models", split = ",", description = "Models to serve (default: all).")
  List<String> models;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address the chunk server binds (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "7090", description = "Chunk server port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--advertise", description = "URL peers use to reach this agent's chunk server (default http://<host>:<port>).")
  String advertise;

  @Option(names = "--chunks-in-flight", defaultValue = "16", description = "Chunks fetched or written at once; bounds memory (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(names = "--stall-timeout", defaultValue = "10000", description = "Milliseconds without bytes before a transfer is retried (default ${DEFAULT-VALUE}).")
  long stallMs;

  @Option(names = "--keep", defaultValue = "2", description = "Versions kept per model (default ${DEFAULT-VALUE}).")
  int keep;

  @Option(names = "--verify-files", description = "Re-hash whole files before activating (chunks are always verified).")
  boolean verifyFiles;

  @Option(names = "--warm", defaultValue = "on", arity = "1", paramLabel = "on|off", description = "Read each verified version into the page cache before activating it (default ${DEFAULT-VALUE}).")
  String warm;

  @Option(names = "--lock-budget", defaultValue = "0", description = "Bytes of active versions to lock in memory (mlock), e.g. 8GiB; 0 = none (default ${DEFAULT-VALUE}).")
  String lockBudget;

  @Option(names = "--trusted-key", paramLabel = "FILE", description = "Ed25519 public key (PEM X.509) of a trusted publisher; repeatable. When set, versions that are unsigned or not signed by one of these keys are refused before any fetch (default: accept every version).")
  List<Path> trustedKeys;

  @Option(names = "--max-egress", defaultValue = "off", description = "Cap on bytes served to peers, all streams together, e.g. 100MB/s (binary units; default ${DEFAULT-VALUE}).")
  String maxEgress;

  @Option(names = "--max-ingress", defaultValue = "off", description = "Cap on bytes fetched from any source, all streams together, e.g. 200MB/s (default ${DEFAULT-VALUE}).")
  String maxIngress;

  @Option(names = "--local-api-remote", description = "Serve /v1/local/* to non-loopback clients too (default: loopback only, others get 403).")
  boolean localApiRemote;

  /** TLS, authorization and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      io.weightcast.protocol.security.Security serving = security.serving("agent", host);
      AgentConfig config = AgentConfig.defaults(nodeId, zone, rack, registry, data)
          .withModels(models).withServer(host, port).withFetch(inFlight, stallMs, 5)
          .withRetention(keep, verifyFiles).withAdvertiseUrl(advertise)
          .withHandover(new HandoverConfig(onOff("--warm", warm), Sizes.parse(lockBudget),
              localApiRemote))
          .withGuards(new GuardConfig(trustedKeys == null ? TrustedKeys.NONE
              : TrustedKeys.fromFiles(trustedKeys), Bandwidth.parse(maxEgress),
              Bandwidth.parse(maxIngress)));
      return Servers.runUntilStopped(CliSupport.newServerVertx(), new AgentVerticle(config,
          serving));
    });
  }

  static boolean onOff(String option, String value) {
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException(option + " must be on or off, got '" + value
          + "'");
    };
  }
}
