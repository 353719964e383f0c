package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.assertIdentical;
import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsConfig;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.testing.TlsFixture;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every role over h2 with TLS and mutual TLS required on every server: a pushed version reaches
 * the agent byte-identical; a client that does not trust the CA, and one (an agent) without a
 * client certificate, are refused in the handshake by the registry and the distributor.
 */
@ExtendWith(VertxExtension.class)
class TlsRolloutTest {
  private static final long MIB = 1024 * 1024;
  @TempDir static Path certDir;
  private static TlsFixture certs;
  @TempDir Path dir;
  private String registry;
  private String distributor;

  @BeforeAll
  static void certificates() {
    certs = new TlsFixture(certDir);
  }

  @BeforeEach
  void start(Vertx vertx) {
    Security servers = new Security(certs.serverTls(TlsConfig.ClientAuthMode.REQUIRED), null,
        null);
    RegistryVerticle r = new RegistryVerticle(new RegistryConfig("localhost", 0,
        dir.resolve("registry")), null, servers);
    vertx.deployVerticle(r).await();
    registry = "https://localhost:" + r.actualPort();
    DistributorVerticle d = new DistributorVerticle(new DistributorConfig(0, "localhost",
        dir.resolve("dist"), registry, null, 2, 1), servers);
    vertx.deployVerticle(d).await();
    distributor = "https://localhost:" + d.actualPort();
    RegistryConnection conn = RegistryConnection.create(vertx, registry, publisher());
    AgentFixture.await(() -> !on(vertx, conn::listDistributors).await().isEmpty(), 15_000,
        "the distributor's lease over TLS");
    conn.close();
  }

  @Test
  void rollsOutAVersionOverMutualTls(Vertx vertx) {
    Path agentData = dir.resolve("agent");
    AgentConfig config = AgentConfig.defaults("gpu-tls", "z1", "r1", registry, agentData)
        .withServer("localhost", 0).withFetch(8, 5_000, 3).withRetryFailedMs(500);
    Security agent = new Security(new TlsConfig(certs.agent().cert(), certs.agent().key(),
        certs.ca(), TlsConfig.ClientAuthMode.REQUIRED, TlsConfig.Engine.AUTO), null, null);
    vertx.deployVerticle(new AgentVerticle(config, agent)).await();
    Manifest m = publish(vertx, dir.resolve("src"), 3 * MIB + 77);
    awaitCurrent(agentData, "tls-model", "v1", 30_000);
    assertIdentical(agentData, m);
  }

  @Test
  void refusesAClientThatDoesNotTrustTheCa(Vertx vertx) {
    ClientSecurity noCa = new ClientSecurity(new TlsConfig(certs.agent().cert(),
        certs.agent().key(), null, TlsConfig.ClientAuthMode.NONE, TlsConfig.Engine.AUTO), null);
    assertRefused(vertx, noCa);
  }

  @Test
  void refusesAnAgentWithoutAClientCertificate(Vertx vertx) {
    assertRefused(vertx, new ClientSecurity(certs.clientTls(null), null));
  }

  /** The registry (gRPC) and the distributor (chunk API) both refuse {@code client}. */
  private void assertRefused(Vertx vertx, ClientSecurity client) {
    RegistryConnection conn = RegistryConnection.create(vertx, registry, client);
    Throwable e = assertThrows(Throwable.class, () -> on(vertx, () -> conn.listVersions(""))
        .await());
    assertTrue(String.valueOf(e.getMessage()).contains("registry"), String.valueOf(e));
    conn.close();
    ChunkApiClient chunks = ChunkApiClient.create(vertx, distributor, 4, 5_000, client);
    assertThrows(Throwable.class, () -> on(vertx, () -> chunks.missing(List.of())).await());
    chunks.close();
  }

  private static ClientSecurity publisher() {
    return new ClientSecurity(certs.clientTls(certs.publisher()), null);
  }

  private Manifest publish(Vertx vertx, Path src, long bytes) {
    ModelFixture.write(src, bytes, 7);
    Manifest m = ModelFixture.manifestOf(src, "tls-model", "v1", MIB);
    ChunkApiClient chunks = ChunkApiClient.create(vertx, distributor, 8, 30_000, publisher());
    RegistryConnection conn = RegistryConnection.create(vertx, registry, publisher());
    on(vertx, () -> {
      Future<?> all = Future.succeededFuture();
      for (FileEntry f : m.files()) {
        for (ChunkSpec c : f.chunks()) {
          all = all.compose(v -> chunks.upload(c.digest(), src.resolve(f.path()), c.offset(),
              c.length()));
        }
      }
      return all.compose(v -> conn.publish(m));
    }).await();
    chunks.close();
    conn.close();
    return m;
  }

  private static <T> Future<T> on(Vertx vertx, Supplier<Future<T>> work) {
    return ControlPlaneFixture.onContext(vertx, work);
  }
}
