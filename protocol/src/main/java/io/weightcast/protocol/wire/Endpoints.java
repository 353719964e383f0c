package io.weightcast.protocol.wire;

import io.vertx.core.net.SocketAddress;
import java.net.URI;

/** Parses the endpoint forms the CLIs accept: "host:port", "http://host:port[/]". */
public final class Endpoints {
  private Endpoints() {}

  public static SocketAddress socketAddress(String endpoint) {
    URI uri = uri(endpoint);
    return SocketAddress.inetSocketAddress(uri.getPort(), uri.getHost());
  }

  /** The endpoint as an http URI with an explicit port. */
  public static URI uri(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("endpoint must be host:port or http://host:port");
    }
    String text = endpoint.contains("://") ? endpoint : "http://" + endpoint;
    URI uri = URI.create(text);
    if (uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException("endpoint must name a host and a port: '" + endpoint
          + "'");
    }
    return uri;
  }

  /** "http://host:port" without a trailing slash. */
  public static String baseUrl(String endpoint) {
    URI uri = uri(endpoint);
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }
}
