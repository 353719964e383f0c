package io.weightcast.deploy.cli;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.protocol.wire.Sizes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weightcast versions}: lists committed versions with digest, file count and size. */
@Command(name = "versions", mixinStandardHelpOptions = true,
    description = "List the versions the registry has committed.")
public final class VersionsCommand implements Callable<Integer> {
  @Option(names = "--registry", defaultValue = "localhost:7070", description = "Registry host:port (default ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--model", description = "Only this model.")
  String model;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  /** TLS trust and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      Vertx vertx = CliSupport.newVertx();
      try {
        List<CommittedVersion> versions = CliSupport.runOnContext(vertx, v -> {
          RegistryConnection conn = RegistryConnection.create(v, registry, security.client());
          return conn.listVersions(model).eventually(conn::closeAsync);
        });
        System.out.println(json ? toJson(versions).encodePrettily() : table(versions));
        return 0;
      } finally {
        vertx.close().await();
      }
    });
  }

  static String table(List<CommittedVersion> versions) {
    if (versions.isEmpty()) {
      return "no versions committed";
    }
    StringBuilder sb = new StringBuilder(String.format("%-4s %-24s %-16s %-14s %6s %10s  %s%n",
        "SEQ", "MODEL", "VERSION", "DIGEST", "FILES", "SIZE", "COMMITTED"));
    for (CommittedVersion v : versions) {
      sb.append(String.format("%-4d %-24s %-16s %-14s %6d %10s  %s%n", v.sequence(),
          v.manifest().model(), v.manifest().version(), v.manifestDigest().shortHex(),
          v.manifest().files().size(), Sizes.format(v.manifest().totalBytes()),
          Instant.ofEpochMilli(v.committedAtMs())));
    }
    return sb.toString().stripTrailing();
  }

  static JsonObject toJson(List<CommittedVersion> versions) {
    JsonArray out = new JsonArray();
    for (CommittedVersion v : versions) {
      out.add(new JsonObject().put("model", v.manifest().model())
          .put("version", v.manifest().version()).put("sequence", v.sequence())
          .put("manifestDigest", v.manifestDigest().hex())
          .put("files", v.manifest().files().size())
          .put("totalBytes", v.manifest().totalBytes())
          .put("chunks", v.manifest().chunkCount())
          .put("committedAt", Instant.ofEpochMilli(v.committedAtMs()).toString()));
    }
    return new JsonObject().put("versions", out);
  }
}
