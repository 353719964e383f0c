package io.weightcast.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.weightcast.deploy.WeightcastMain;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.signing.TrustedKeys;
import io.weightcast.protocol.synthetic.SyntheticModel;
import io.weightcast.protocol.wire.RegistryConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keygen} then {@code push --sign} as a user runs them, against a real registry and
 * distributor: the committed version carries a signature the public key file verifies.
 */
class SignedPushTest {
  @TempDir Path dir;

  @Test
  void keygenThenSignedPushCommitsAVersionTheTrustedKeyVerifies() throws Exception {
    Path prefix = dir.resolve("release");
    assertEquals(0, run("keygen", "--out", prefix.toString()));
    assertTrue(Files.exists(dir.resolve("release.key")) && Files.exists(dir.resolve("release.pub")));
    assertTrue(run("keygen", "--out", prefix.toString()) != 0, "a second keygen never overwrites");

    Vertx vertx = CliSupport.newVertx();
    DemoCluster cluster = new DemoCluster(vertx, dir.resolve("cluster"));
    try {
      cluster.start(0);
      Path src = dir.resolve("src");
      SyntheticModel.write(src, 3L << 20, 1);
      assertEquals(0, run("push", src.toString(), "--model", "m", "--version", "v1",
          "--chunk-size", "1MiB", "--registry", cluster.registryEndpoint(),
          "--distributor", cluster.distributorUrl(), "--sign", dir.resolve("release.key")
              .toString()));
      RegistryConnection registry = RegistryConnection.create(vertx, cluster.registryEndpoint());
      try {
        CommittedVersion v = CliSupport.runOnContext(vertx, x -> registry.getManifest("m", "v1"));
        TrustedKeys keys = TrustedKeys.fromFiles(List.of(dir.resolve("release.pub")));
        keys.check(v);
        assertEquals(keys.keyIds(), List.of(v.signature().orElseThrow().keyId()));
      } finally {
        registry.close();
      }
    } finally {
      cluster.stop();
    }
  }

  private static int run(String... args) {
    return new CommandLine(new WeightcastMain()).execute(args);
  }
}
