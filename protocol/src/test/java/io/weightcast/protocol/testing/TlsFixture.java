package io.weightcast.protocol.testing;

import io.vertx.core.net.SelfSignedCertificate;
import io.weightcast.protocol.security.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Certificates for TLS tests, made once per test class (each costs ~1 s): a server certificate
 * for "localhost" (servers bind and clients dial localhost so host names verify) and client
 * certificates with CNs "agent-1" and "publisher-1". Each is self-signed, so the trust bundle
 * {@link #ca()} (all three) acts as the CA every role trusts.
 */
public final class TlsFixture {
  private final Path dir;
  private final Pem server;
  private final Pem agent;
  private final Pem publisher;
  private final Path ca;

  /** A certificate and its key, as PEM files. */
  public record Pem(Path cert, Path key) {}

  public TlsFixture(Path dir) {
    this.dir = dir;
    io.weightcast.protocol.security.TlsOptions.openSslAvailable();
    this.server = make("localhost", "server");
    this.agent = make("agent-1", "agent");
    this.publisher = make("publisher-1", "publisher");
    this.ca = dir.resolve("ca.pem");
    try {
      Files.writeString(ca, Files.readString(server.cert()) + Files.readString(agent.cert())
          + Files.readString(publisher.cert()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path ca() {
    return ca;
  }

  public Pem server() {
    return server;
  }

  public Pem agent() {
    return agent;
  }

  public Pem publisher() {
    return publisher;
  }

  /** A server's TLS: its certificate, the bundle as CA, client certificates as asked. */
  public TlsConfig serverTls(TlsConfig.ClientAuthMode clientAuth) {
    return new TlsConfig(server.cert(), server.key(), ca, clientAuth, TlsConfig.Engine.AUTO);
  }

  /** A client's TLS presenting {@code who} (null: no client certificate), trusting the bundle. */
  public TlsConfig clientTls(Pem who) {
    return new TlsConfig(who == null ? null : who.cert(), who == null ? null : who.key(), ca,
        TlsConfig.ClientAuthMode.NONE, TlsConfig.Engine.AUTO);
  }

  private Pem make(String cn, String name) {
    SelfSignedCertificate c = SelfSignedCertificate.create(cn);
    try {
      Path cert = Files.copy(Path.of(c.certificatePath()), dir.resolve(name + ".crt.pem"));
      Path key = Files.copy(Path.of(c.privateKeyPath()), dir.resolve(name + ".key.pem"));
      c.delete();
      return new Pem(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
