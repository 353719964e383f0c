package io.weightcast.protocol.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One process's TLS material, as PEM files, validated at construction (files must be readable).
 * The same certificate serves as the role's server certificate and, toward other roles, as its
 * client certificate (mutual TLS). Pure: {@link TlsOptions} turns it into Vert.x options.
 *
 * @param cert PEM certificate chain of this role; null: this role serves plaintext (h2c)
 * @param key PEM private key (PKCS#8 or PKCS#1) of {@code cert}; null exactly when cert is
 * @param ca PEM CA certificates this role trusts: for the servers it calls (null: the JVM's
 *     default trust store) and for client certificates it checks
 * @param clientAuth whether this role's servers ask connecting clients for a certificate
 * @param engine which TLS implementation to use
 */
public record TlsConfig(Path cert, Path key, Path ca, ClientAuthMode clientAuth, Engine engine) {

  /** What a server asks of a connecting client's certificate. */
  public enum ClientAuthMode {
    /** No client certificate asked for. */
    NONE,
    /** Asked for and checked against the CA when presented; a client without one is let in. */
    REQUEST,
    /** Required: a client without a certificate signed by the CA is refused in the handshake. */
    REQUIRED;

    public static ClientAuthMode parse(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "request" -> REQUEST;
        case "required", "require" -> REQUIRED;
        default -> throw new IllegalArgumentException(
            "client auth must be none, request or required, got '" + text + "'");
      };
    }
  }

  /** TLS implementation: OpenSSL (BoringSSL via netty-tcnative) when it loads, else the JDK's. */
  public enum Engine {
    AUTO, JDK, OPENSSL;

    public static Engine parse(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "jdk" -> JDK;
        case "openssl" -> OPENSSL;
        default -> throw new IllegalArgumentException(
            "TLS engine must be auto, jdk or openssl, got '" + text + "'");
      };
    }
  }

  /** No TLS: plaintext servers, clients trusting the JVM defaults for any https URL. */
  public static final TlsConfig NONE = new TlsConfig(null, null, null, ClientAuthMode.NONE,
      Engine.AUTO);

  public TlsConfig {
    clientAuth = clientAuth == null ? ClientAuthMode.NONE : clientAuth;
    engine = engine == null ? Engine.AUTO : engine;
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("tls: --tls-cert and --tls-key go together (cert "
          + cert + ", key " + key + ")");
    }
    requireReadable("--tls-cert", cert);
    requireReadable("--tls-key", key);
    requireReadable("--tls-ca", ca);
    if (clientAuth != ClientAuthMode.NONE && (cert == null || ca == null)) {
      throw new IllegalArgumentException("tls: --tls-client-auth " + clientAuth.name()
          .toLowerCase(Locale.ROOT) + " needs --tls-cert/--tls-key (the server's) and --tls-ca"
          + " (the CA that signs client certificates)");
    }
  }

  /** Builds a config from optional CLI values (null or blank: absent). */
  public static TlsConfig of(String cert, String key, String ca, String clientAuth,
      String engine) {
    return new TlsConfig(path(cert), path(key), path(ca),
        clientAuth == null || clientAuth.isBlank() ? ClientAuthMode.NONE
            : ClientAuthMode.parse(clientAuth),
        engine == null || engine.isBlank() ? Engine.AUTO : Engine.parse(engine));
  }

  /** Whether this role's servers speak TLS (h2 via ALPN) rather than h2c. */
  public boolean serves() {
    return cert != null;
  }

  /** The URL scheme of this role's servers: "https" when it serves TLS, else "http". */
  public String scheme() {
    return serves() ? "https" : "http";
  }

  public TlsConfig withEngine(Engine e) {
    return new TlsConfig(cert, key, ca, clientAuth, e);
  }

  private static Path path(String s) {
    return s == null || s.isBlank() ? null : Path.of(s.strip());
  }

  private static void requireReadable(String flag, Path p) {
    if (p != null && !Files.isReadable(p)) {
      throw new IllegalArgumentException("tls: " + flag + " " + p + " is not a readable file");
    }
  }
}
