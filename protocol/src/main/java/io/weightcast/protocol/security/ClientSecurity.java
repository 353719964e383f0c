package io.weightcast.protocol.security;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Objects;

/**
 * What a client presents and trusts: TLS trust and client certificate ({@link TlsConfig}) and an
 * optional bearer token. Whether a call uses TLS follows the target's URL scheme: {@code https://}
 * means h2 over TLS with ALPN, {@code http://} or a bare {@code host:port} means h2c. Immutable.
 * {@code toString} redacts the token.
 */
public record ClientSecurity(TlsConfig tls, String token) {
  public static final String AUTHORIZATION = "authorization";
  /** h2c, JVM default trust for https URLs, no token. */
  public static final ClientSecurity PLAINTEXT = new ClientSecurity(TlsConfig.NONE, null);

  public ClientSecurity {
    Objects.requireNonNull(tls, "tls");
    token = token == null || token.isBlank() ? null : token.strip();
  }

  /** Whether {@code endpoint} ("https://host:port", "http://host:port", "host:port") is TLS. */
  public static boolean https(String endpoint) {
    return endpoint != null && endpoint.strip().regionMatches(true, 0, "https://", 0, 8);
  }

  /** {@code base} able to reach https targets; {@code ssl} is the default for requests. */
  public HttpClientOptions options(HttpClientOptions base, boolean ssl) {
    return TlsOptions.client(base, tls, ssl);
  }

  /** {@code request} to {@code target}: TLS per the scheme, the token as a bearer header. */
  public RequestOptions apply(RequestOptions request, URI target) {
    request.setSsl("https".equalsIgnoreCase(target.getScheme()));
    if (token != null) {
      request.putHeader(AUTHORIZATION, "Bearer " + token);
    }
    return request;
  }

  /** Adds the bearer token (if any) to request headers or gRPC metadata. */
  public void authorize(MultiMap headers) {
    if (token != null) {
      headers.set(AUTHORIZATION, "Bearer " + token);
    }
  }

  @Override
  public String toString() {
    return "ClientSecurity[tls=" + tls + ", token=" + (token == null ? "none" : "<redacted>")
        + "]";
  }
}
