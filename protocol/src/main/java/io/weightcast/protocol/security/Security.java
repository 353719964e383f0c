package io.weightcast.protocol.security;

import java.util.Objects;

/**
 * A role's security settings, built once from flags and passed down: its TLS material, who may
 * call it (null: authorization off, every caller admitted) and the bearer token it presents when
 * calling other roles (null: none; mutual TLS alone may identify it). {@code toString} redacts
 * the token.
 */
public record Security(TlsConfig tls, AccessPolicy access, String token) {
  /** Plain h2c, no authorization, no token: tests, loopback and the demo. */
  public static final Security PLAINTEXT = new Security(TlsConfig.NONE, null, null);

  public Security {
    Objects.requireNonNull(tls, "tls");
    token = token == null || token.isBlank() ? null : token.strip();
  }

  /** The client half, for the calls this role makes. */
  public ClientSecurity client() {
    return new ClientSecurity(tls, token);
  }

  public boolean authorizes() {
    return access != null;
  }

  @Override
  public String toString() {
    return "Security[tls=" + tls + ", access=" + access + ", token="
        + (token == null ? "none" : "<redacted>") + "]";
  }
}
