package io.weightcast.protocol.security;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place {@link TlsConfig} becomes Vert.x options, for every role's servers and clients.
 * Servers with a certificate speak TLS with ALPN (h2, then HTTP/1.1 for curl); without one they
 * stay h2c. Clients get the trust (CA file) and client certificate always, and switch TLS on per
 * request from the URL scheme (https), see {@link ClientSecurity}. Engine {@code AUTO} picks
 * OpenSSL (netty-tcnative BoringSSL) when it loads with ALPN: measured faster than the JDK engine
 * (perf/README.md, "TLS cost").
 */
public final class TlsOptions {
  private static final Logger LOG = LoggerFactory.getLogger(TlsOptions.class);
  private static volatile boolean engineLogged;
  /** Whether OpenSSL loads with ALPN; null until first asked (loading it takes ~0.5-2 s). */
  private static volatile Boolean openSsl;

  private TlsOptions() {}

  /** {@code base} with TLS switched on when {@code tls} has a certificate; else unchanged. */
  public static HttpServerOptions server(HttpServerOptions base, TlsConfig tls) {
    if (!tls.serves()) {
      return base;
    }
    base.setSsl(true).setUseAlpn(true).setSslEngineOptions(engine(tls.engine()))
        .setKeyCertOptions(keyCert(tls));
    if (tls.clientAuth() != TlsConfig.ClientAuthMode.NONE) {
      base.setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
          .setClientAuth(tls.clientAuth() == TlsConfig.ClientAuthMode.REQUIRED
              ? ClientAuth.REQUIRED : ClientAuth.REQUEST);
    }
    return base;
  }

  /**
   * {@code base} able to speak TLS: ALPN, the CA as trust (else the JVM's defaults), this role's
   * certificate as client certificate, host names verified. {@code ssl} sets the default for
   * requests that do not choose (gRPC calls to a socket address); others choose by scheme.
   */
  public static HttpClientOptions client(HttpClientOptions base, TlsConfig tls, boolean ssl) {
    base.setSsl(ssl).setUseAlpn(true).setVerifyHost(true)
        .setSslEngineOptions(engine(tls.engine()));
    if (tls.ca() != null) {
      base.setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
    }
    if (tls.serves()) {
      base.setKeyCertOptions(keyCert(tls));
    }
    return base;
  }

  /**
   * Logs a loud warning when a role binds a non-loopback address without TLS: its traffic,
   * tokens included, crosses the network in clear. Plaintext stays allowed (tests, the demo,
   * meshes that add TLS themselves); see SECURITY.md.
   */
  public static void warnIfPlaintext(String role, String host, TlsConfig tls) {
    if (tls.serves() || isLoopback(host)) {
      return;
    }
    LOG.warn("*** {} binds {} WITHOUT TLS: chunks, manifests and bearer tokens cross the"
        + " network in clear. Give --tls-cert/--tls-key (and --tls-ca for mutual TLS), or bind"
        + " 127.0.0.1. See SECURITY.md. ***", role, host);
  }

  /** Whether {@code host} names a loopback address (localhost, 127.0.0.0/8, ::1). */
  public static boolean isLoopback(String host) {
    String h = host.strip().toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1")
        || h.equals("[::1]");
  }

  /** The engine options for {@code engine}; AUTO resolves to OpenSSL when available. */
  public static SSLEngineOptions engine(TlsConfig.Engine engine) {
    boolean openssl = switch (engine) {
      case JDK -> false;
      case OPENSSL -> {
        if (!openSslAvailable()) {
          throw new IllegalStateException("tls: the OpenSSL engine was asked for but"
              + " netty-tcnative does not load here; use --tls-engine jdk or auto");
        }
        yield true;
      }
      case AUTO -> openSslAvailable();
    };
    if (!engineLogged) {
      engineLogged = true;
      LOG.info("TLS engine: {}", openssl ? "OpenSSL (netty-tcnative)" : "JDK");
    }
    return openssl ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /**
   * Whether the OpenSSL engine loads here with ALPN. The first call loads netty-tcnative's
   * native library: callers with a main thread (the CLI) ask once before any event loop runs.
   */
  public static boolean openSslAvailable() {
    Boolean known = openSsl;
    if (known == null) {
      known = OpenSSLEngineOptions.isAvailable() && OpenSSLEngineOptions.isAlpnAvailable();
      openSsl = known;
    }
    return known;
  }

  private static PemKeyCertOptions keyCert(TlsConfig tls) {
    return new PemKeyCertOptions().setCertPath(tls.cert().toString())
        .setKeyPath(tls.key().toString());
  }
}
