package io.weightcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.weightcast.distributor.DistributorConfig;
import io.weightcast.distributor.DistributorVerticle;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.failure.AccessDenied;
import io.weightcast.protocol.security.AccessPolicy;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.security.Role;
import io.weightcast.protocol.security.Security;
import io.weightcast.protocol.security.TlsConfig;
import io.weightcast.protocol.testing.ModelFixture;
import io.weightcast.protocol.wire.RegistryConnection;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import io.weightcast.registry.testing.ControlPlaneFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization over real servers (registry, distributor, agent, plaintext h2c): for each
 * endpoint, a table of the roles it admits; every role's token is tried on every endpoint and
 * must be admitted exactly where the table says (401/403 or gRPC UNAUTHENTICATED /
 * PERMISSION_DENIED elsewhere); no or an unknown token is refused everywhere but /health and the
 * dashboard page.
 */
@ExtendWith(VertxExtension.class)
class AccessControlTest {
  private static final String HEX = "ab".repeat(32);
  @TempDir Path dir;

  /** One endpoint of one server and the roles it must admit. */
  private record Row(String server, HttpMethod method, String path, String body,
      Set<Role> admits) {}

  /** One gRPC method, called through {@link RegistryConnection}, and the roles it admits. */
  private record GrpcRow(String method, Function<RegistryConnection, Future<?>> call,
      Set<Role> admits) {}

  private static String token(Role r) {
    return "token-of-the-" + r.wireName() + "-role";
  }

  private static AccessPolicy policy() {
    StringBuilder text = new StringBuilder("# one token per role\n");
    for (Role r : Role.values()) {
      text.append("token ").append(r.wireName()).append("-1 ").append(r.wireName()).append(' ')
          .append(r == Role.READER ? AccessPolicy.hashOf(token(r)) : token(r)).append('\n');
    }
    return AccessPolicy.parse(text.toString());
  }

  @Test
  void everyEndpointAdmitsExactlyItsRoles(Vertx vertx) {
    AccessPolicy access = policy();
    RegistryVerticle registry = new RegistryVerticle(new RegistryConfig("127.0.0.1", 0,
        dir.resolve("registry")), null, new Security(TlsConfig.NONE, access, token(Role.SERVICE)));
    vertx.deployVerticle(registry).await();
    String registryUrl = "127.0.0.1:" + registry.actualPort();
    DistributorVerticle distributor = new DistributorVerticle(new DistributorConfig(0,
        "127.0.0.1", dir.resolve("dist"), registryUrl, null, 2, 1),
        new Security(TlsConfig.NONE, access, token(Role.SERVICE)));
    vertx.deployVerticle(distributor).await();
    AgentVerticle agent = new AgentVerticle(AgentConfig.defaults("gpu-acl", "z", "r",
        registryUrl, dir.resolve("agent")).withServer("127.0.0.1", 0),
        new Security(TlsConfig.NONE, access, token(Role.AGENT)));
    vertx.deployVerticle(agent).await();
    int[] ports = {registry.actualPort(), distributor.actualPort(), agent.actualPort()};

    Set<Role> reads = EnumSet.of(Role.READER, Role.OPERATOR, Role.PUBLISHER);
    Set<Role> watchers = EnumSet.of(Role.READER, Role.OPERATOR);
    List<Row> rows = List.of(
        new Row("registry", HttpMethod.GET, "/health", null, EnumSet.allOf(Role.class)),
        new Row("registry", HttpMethod.GET, "/", null, EnumSet.allOf(Role.class)),
        new Row("registry", HttpMethod.GET, "/v1/models", null, reads),
        new Row("registry", HttpMethod.GET, "/v1/rollouts", null, reads),
        new Row("registry", HttpMethod.GET, "/metrics", null, reads),
        new Row("registry", HttpMethod.POST, "/v1/models/m/pin", "{\"version\":\"v1\"}",
            EnumSet.of(Role.OPERATOR)),
        new Row("registry", HttpMethod.POST, "/v1/rollouts/m/v1/pause", null,
            EnumSet.of(Role.OPERATOR)),
        new Row("distributor", HttpMethod.PUT, "/v1/chunks/" + HEX, "x",
            EnumSet.of(Role.PUBLISHER)),
        new Row("distributor", HttpMethod.POST, "/v1/chunks/missing", "{\"digests\":[]}",
            EnumSet.of(Role.PUBLISHER, Role.SERVICE)),
        new Row("distributor", HttpMethod.GET, "/v1/chunks/" + HEX, null,
            EnumSet.of(Role.AGENT, Role.PUBLISHER, Role.SERVICE)),
        new Row("distributor", HttpMethod.POST, "/v1/topology/sources", "{}",
            EnumSet.of(Role.AGENT)),
        new Row("distributor", HttpMethod.GET, "/v1/topology/nodes", null, watchers),
        new Row("distributor", HttpMethod.GET, "/metrics", null, watchers),
        new Row("agent", HttpMethod.GET, "/v1/chunks/" + HEX, null, EnumSet.of(Role.AGENT)),
        new Row("agent", HttpMethod.GET, "/metrics", null, watchers));

    HttpClient http = vertx.createHttpClient();
    List<String> wrong = new ArrayList<>();
    for (Row row : rows) {
      int port = ports[List.of("registry", "distributor", "agent").indexOf(row.server())];
      for (Role role : Role.values()) {
        int status = status(vertx, http, port, row, token(role));
        boolean admitted = status != 401 && status != 403;
        int expected = row.admits().contains(role) ? -1 : 403;
        if (row.admits().contains(role) != admitted || (!admitted && status != expected)) {
          wrong.add(row.server() + " " + row.method() + " " + row.path() + " as " + role
              + " -> " + status);
        }
      }
      boolean open = row.path().equals("/health") || row.path().equals("/");
      for (String anonymous : new String[] {null, "not-a-token-anyone-was-given"}) {
        int status = status(vertx, http, port, row, anonymous);
        if (open ? status == 401 : status != 401) {
          wrong.add(row.server() + " " + row.path() + " with token " + anonymous + " -> "
              + status);
        }
      }
    }
    wrong.addAll(grpcMismatches(vertx, registryUrl));
    http.close();
    assertEquals(List.of(), wrong);
  }

  private List<String> grpcMismatches(Vertx vertx, String registryUrl) {
    ModelFixture.write(dir.resolve("src"), 64 * 1024, 3);
    Manifest m = ModelFixture.manifestOf(dir.resolve("src"), "acl", "v1", 64 * 1024);
    NodeProgress progress = new NodeProgress("n", "z", "r", "acl", "v1",
        NodeProgress.State.FETCHING, 0, 1, 0, 1, 0, "", "", false, 0, 0);
    List<GrpcRow> rows = List.of(
        new GrpcRow("PublishVersion", c -> c.publish(m), EnumSet.of(Role.PUBLISHER)),
        new GrpcRow("ListVersions", c -> c.listVersions(""), EnumSet.allOf(Role.class)),
        new GrpcRow("ReportProgress", c -> c.reportProgress(progress), EnumSet.of(Role.AGENT)),
        new GrpcRow("RegisterDistributor", c -> c.registerDistributor("http://127.0.0.1:1",
            "acl-test"), EnumSet.of(Role.SERVICE)),
        new GrpcRow("ListDistributors", RegistryConnection::listDistributors,
            EnumSet.of(Role.AGENT, Role.SERVICE, Role.READER)));
    List<String> wrong = new ArrayList<>();
    for (GrpcRow row : rows) {
      for (Role role : Role.values()) {
        String outcome = grpc(vertx, registryUrl, token(role), row);
        String expected = row.admits().contains(role) ? "admitted" : AccessDenied.FORBIDDEN;
        if (!outcome.equals(expected)) {
          wrong.add("grpc " + row.method() + " as " + role + " -> " + outcome);
        }
      }
      String anonymous = grpc(vertx, registryUrl, null, row);
      if (!anonymous.equals(AccessDenied.UNAUTHENTICATED)) {
        wrong.add("grpc " + row.method() + " without token -> " + anonymous);
      }
    }
    return wrong;
  }

  /** "admitted" (success or a failure other than access), or the AccessDenied code. */
  private static String grpc(Vertx vertx, String url, String token, GrpcRow row) {
    RegistryConnection c = RegistryConnection.create(vertx, url,
        new ClientSecurity(TlsConfig.NONE, token));
    try {
      return ControlPlaneFixture.onContext(vertx, () -> row.call().apply(c)
          .<String>map(x -> "admitted")
          .recover(e -> Future.succeededFuture(e instanceof AccessDenied d ? d.code()
              : "admitted"))).await();
    } finally {
      c.close();
    }
  }

  private static int status(Vertx vertx, HttpClient http, int port, Row row, String token) {
    RequestOptions o = new RequestOptions().setMethod(row.method()).setHost("127.0.0.1")
        .setPort(port).setURI(row.path()).setTimeout(10_000);
    if (token != null) {
      o.putHeader("authorization", "Bearer " + token);
    }
    if (row.body() != null) {
      o.putHeader("content-type", row.path().contains("chunks/" + HEX)
          ? "application/octet-stream" : "application/json".toLowerCase(Locale.ROOT));
    }
    return ControlPlaneFixture.onContext(vertx, () -> http.request(o)
        .compose(req -> row.body() == null ? req.send() : req.send(Buffer.buffer(row.body())))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))).await();
  }
}
