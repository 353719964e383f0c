package io.weightcast.protocol.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.weightcast.protocol.testing.TlsFixture;
import io.weightcast.protocol.wire.Endpoints;
import io.weightcast.protocol.wire.Http2Tuning;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/2 servers and clients over TLS on loopback, built only from {@link TlsOptions} and
 * {@link ClientSecurity}: ALPN negotiates h2, untrusted servers and certificate-less clients of
 * a mutual-TLS server are refused in the handshake. Certificates are made once for the class.
 */
class TlsOptionsTest {
  @TempDir static Path dir;
  private static TlsFixture certs;
  private static Vertx vertx;

  @BeforeAll
  static void certificates() {
    certs = new TlsFixture(dir);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void negotiatesHttp2OverTlsByAlpn() {
    HttpServer server = serve(certs.serverTls(TlsConfig.ClientAuthMode.NONE));
    String answer = get(server, new ClientSecurity(certs.clientTls(null), null)).await();
    assertEquals("HTTP_2 tls=true cn=null", answer);
    server.close().await();
  }

  @Test
  void refusesAServerItsCaDoesNotVouchFor() {
    HttpServer server = serve(certs.serverTls(TlsConfig.ClientAuthMode.NONE));
    Future<String> f = get(server, ClientSecurity.PLAINTEXT);
    assertHandshakeFails(f);
    server.close().await();
  }

  @Test
  void mutualTlsRefusesAClientWithoutCertificateAndNamesOneWithIt() {
    HttpServer server = serve(certs.serverTls(TlsConfig.ClientAuthMode.REQUIRED));
    assertHandshakeFails(get(server, new ClientSecurity(certs.clientTls(null), null)));
    String answer = get(server, new ClientSecurity(certs.clientTls(certs.agent()), null))
        .await();
    assertEquals("HTTP_2 tls=true cn=agent-1", answer);
    server.close().await();
  }

  @Test
  void mapsClientCertificateNamesToRoles() {
    HttpServer server = guardedServer("test");
    String chunk = "/v1/chunks/" + "cd".repeat(32);
    assertEquals("200 served", status(server, certs.agent(), chunk).await());
    assertEquals("403", status(server, certs.publisher(), chunk).await().substring(0, 3));
    assertEquals("401", status(server, (TlsFixture.Pem) null, chunk).await().substring(0, 3));
    assertEquals("200 served", status(server, (TlsFixture.Pem) null, "/health").await());
    server.close().await();
  }

  @Test
  void logsARefusalOncePerIdentityAndEndpointNotPerRequest() throws Exception {
    HttpServer server = guardedServer("guard-once");
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, "UTF-8"));
    try {
      for (int i = 0; i < 3; i++) {
        // Different chunks, one endpoint: the pair (publisher-1, chunk fetch) is logged once.
        String chunk = "/v1/chunks/" + Integer.toHexString(0xa0 + i).repeat(32);
        assertEquals("403", status(server, certs.publisher(), chunk).await().substring(0, 3));
        assertEquals("401", status(server, (TlsFixture.Pem) null, chunk).await().substring(0, 3));
      }
    } finally {
      System.setErr(stderr);
      server.close().await();
    }
    List<String> lines = captured.toString("UTF-8").lines()
        .filter(l -> l.contains("guard-once")).toList();
    assertEquals(2, lines.size(), "one line per (identity, endpoint): " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("(wrong role)")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("(not authenticated)")), lines.toString());
  }

  /**
   * A TLS server (client certificates requested) answering "served" behind a guard named
   * {@code name} that grants cert CN agent-1 the agent role and publisher-1 the publisher role.
   */
  private static HttpServer guardedServer(String name) {
    AccessGuard guard = new AccessGuard(name, AccessPolicy.parse(
        "cert agent-1 agent\ncert publisher-1 publisher\n"), AccessRules.AGENT_SERVER);
    return onContext(() -> vertx.createHttpServer(TlsOptions.server(
            Http2Tuning.serverOptions("localhost", 0),
            certs.serverTls(TlsConfig.ClientAuthMode.REQUEST)))
        .requestHandler(guard.wrap(req -> req.response().end("served")))
        .listen()).await();
  }

  /** "STATUS BODY" of a GET over TLS presenting {@code who}'s certificate (null: none). */
  private static Future<String> status(HttpServer server, TlsFixture.Pem who, String path) {
    return status(server, new ClientSecurity(certs.clientTls(who), null), path);
  }

  private static Future<String> status(HttpServer server, ClientSecurity security,
      String path) {
    URI target = Endpoints.uri("https://localhost:" + server.actualPort());
    return onContext(() -> {
      HttpClient http = vertx.createHttpClient(security.options(
          Http2Tuning.clientOptions(4, 5_000), true));
      return http.request(security.apply(new RequestOptions().setMethod(HttpMethod.GET)
              .setHost(target.getHost()).setPort(target.getPort()).setURI(path), target))
          .compose(req -> req.send())
          .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b))
          .eventually(http::close);
    });
  }

  @Test
  void validatesItsFilesAndFlagsAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> TlsConfig.of(
        certs.server().cert().toString(), null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> TlsConfig.of(
        dir.resolve("missing.pem").toString(), certs.server().key().toString(), null, null,
        null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsConfig.of(certs.server().cert().toString(), certs.server().key().toString(),
            null, "required", null));
    assertTrue(e.getMessage().contains("--tls-ca"), e.getMessage());
  }

  private static void assertHandshakeFails(Future<String> f) {
    Throwable e = assertThrows(Throwable.class, f::await);
    String text = String.valueOf(e) + " " + String.valueOf(e.getCause());
    assertTrue(text.toLowerCase().contains("ssl") || text.toLowerCase().contains("certificate")
        || text.toLowerCase().contains("handshake") || text.contains("closed"), text);
  }

  private static HttpServer serve(TlsConfig tls) {
    return onContext(() -> vertx.createHttpServer(
            TlsOptions.server(Http2Tuning.serverOptions("localhost", 0), tls))
        .requestHandler(req -> req.response().end(req.version() + " tls=" + req.isSSL()
            + " cn=" + AccessGuard.certCn(req)))
        .listen()).await();
  }

  /** The body of GET / over TLS with {@code security}; fails unless it answers 200. */
  private static Future<String> get(HttpServer server, ClientSecurity security) {
    return status(server, security, "/").compose(s -> s.startsWith("200 ")
        ? Future.succeededFuture(s.substring(4)) : Future.failedFuture(s));
  }

  private static <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
