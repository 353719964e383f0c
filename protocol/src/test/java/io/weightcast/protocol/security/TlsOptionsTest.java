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

  private static Future<String> get(HttpServer server, ClientSecurity security) {
    URI target = Endpoints.uri("https://localhost:" + server.actualPort());
    return onContext(() -> {
      HttpClient http = vertx.createHttpClient(security.options(
          Http2Tuning.clientOptions(4, 5_000), true));
      return http.request(security.apply(new RequestOptions().setMethod(HttpMethod.GET)
              .setHost(target.getHost()).setPort(target.getPort()).setURI("/"), target))
          .compose(req -> req.send()).compose(resp -> resp.body())
          .map(Object::toString).eventually(http::close);
    });
  }

  private static <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
