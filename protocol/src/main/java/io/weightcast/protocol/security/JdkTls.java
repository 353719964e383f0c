package io.weightcast.protocol.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the JDK's own HTTP client (the blocking CLI commands): an {@link SSLContext} trusting
 * the PEM CA file of a {@link TlsConfig}. Those commands present a bearer token, not a client
 * certificate.
 */
public final class JdkTls {
  private JdkTls() {}

  /** A context trusting {@code tls.ca()}, or the JVM default when it names none. */
  public static SSLContext context(TlsConfig tls) {
    try {
      if (tls.ca() == null) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(tls.ca())) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("tls: cannot read CA file " + tls.ca() + ": "
          + e.getMessage(), e);
    }
  }
}
