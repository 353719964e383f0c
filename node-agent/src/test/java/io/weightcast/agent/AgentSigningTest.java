package io.weightcast.agent;

import static io.weightcast.agent.AgentFixture.awaitCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weightcast.agent.assemble.DataLayout;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.signing.Ed25519Keys;
import io.weightcast.protocol.signing.ManifestSignature;
import io.weightcast.protocol.signing.ManifestSigner;
import io.weightcast.protocol.signing.TrustedKeys;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent with a trusted key, against a real registry and distributor: it activates versions
 * signed by that key and refuses unsigned, wrongly signed and tampered ones before fetching, with
 * the reason in the registry's rollout view, while the previous version stays current.
 */
@ExtendWith(VertxExtension.class)
class AgentSigningTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;
  private Vertx vertx;
  private ControlPlaneFixture plane;
  private HttpClient http;
  private Path agentData;
  private final KeyPair trusted = Ed25519Keys.generate();
  private final ManifestSigner release = new ManifestSigner(trusted.getPrivate());
  private final ManifestSigner stranger = new ManifestSigner(Ed25519Keys.generate().getPrivate());

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    plane = new ControlPlaneFixture(vertx, dir);
    plane.start().await();
    http = vertx.createHttpClient();
    agentData = dir.resolve("agent");
    vertx.deployVerticle(new AgentVerticle(AgentFixture.config(plane, agentData, "gpu-001")
        .withGuards(new GuardConfig(TrustedKeys.of(List.of(trusted.getPublic())), 0, 0))))
        .await();
  }

  @AfterEach
  void stop() {
    http.close().await();
  }

  @Test
  void activatesOnlyVersionsSignedByATrustedKeyAndKeepsThePreviousCurrent() {
    Manifest v1 = model("v1", 1);
    publish(v1, Optional.of(release.sign(v1.digest())));
    awaitCurrent(agentData, "m", "v1", 20_000);

    publish(model("v2", 2), Optional.empty());
    assertRefused("v2", "is unsigned");

    Manifest v3 = model("v3", 3);
    publish(v3, Optional.of(stranger.sign(v3.digest())));
    assertRefused("v3", "signed by key " + stranger.keyId() + ", which this agent does not trust");

    // Tampered: a trusted signature made over other content (v1's digest) travels with v4.
    publish(model("v4", 4), Optional.of(release.sign(v1.digest())));
    assertRefused("v4", "does not verify over manifest digest");

    Manifest v5 = model("v5", 5);
    publish(v5, Optional.of(release.sign(v5.digest())));
    awaitCurrent(agentData, "m", "v5", 20_000);
    JsonObject view = get("/v1/models/m/versions/v5/manifest");
    assertEquals(release.keyId(), view.getString("signedBy"), view.encode());
  }

  /** Failed with the reason in the rollout view, nothing staged, current still v1. */
  private void assertRefused(String version, String reason) {
    AgentFixture.await(() -> "failed".equals(node(version).getString("state")), 20_000,
        version + " reported failed");
    JsonObject n = node(version);
    assertTrue(n.getString("lastError").contains(reason), n.encode());
    assertFalse(n.getBoolean("current"));
    assertEquals(0L, n.getLong("bytesDone"), "nothing fetched");
    JsonObject errors = get("/v1/rollouts/m/" + version);
    assertTrue(errors.getJsonArray("errors").encode().contains(reason), errors.encode());
    DataLayout layout = new DataLayout(agentData);
    assertFalse(Files.exists(layout.stagingDir("m", version)), "nothing staged");
    assertFalse(Files.exists(layout.versionDir("m", version)));
    assertEquals("v1", AgentFixture.current(agentData, "m").orElseThrow());
  }

  private Manifest model(String version, long seed) {
    Path src = dir.resolve("src-" + version);
    ModelFixture.write(src, 2 * MIB + seed, seed);
    Manifest m = ModelFixture.manifestOf(src, "m", version, MIB);
    plane.upload(m, src).await();
    return m;
  }

  private void publish(Manifest m, Optional<ManifestSignature> signature) {
    RegistryConnection registry = RegistryConnection.create(vertx, plane.registryEndpoint());
    try {
      ControlPlaneFixture.onContext(vertx, () -> registry.publish(m, signature)).await();
    } finally {
      registry.close();
    }
  }

  private JsonObject node(String version) {
    JsonObject r = get("/v1/rollouts/m/" + version);
    return r.getJsonArray("nodes").isEmpty() ? new JsonObject()
        : r.getJsonArray("nodes").getJsonObject(0);
  }

  private JsonObject get(String path) {
    return ControlPlaneFixture.onContext(vertx, () -> http.request(HttpMethod.GET,
        plane.registryPort(), "127.0.0.1", path).compose(r -> r.send())
        .compose(resp -> resp.body())).await().toJsonObject();
  }
}
