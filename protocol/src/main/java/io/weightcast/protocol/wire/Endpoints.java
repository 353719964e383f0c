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

  /**
   * A comma-separated list of endpoints ("host:port,host:port"), each parsed like
   * {@link #socketAddress}; at least one.
   */
  public static java.util.List<SocketAddress> socketAddresses(String endpoints) {
    if (endpoints == null || endpoints.isBlank()) {
      throw new IllegalArgumentException("endpoint must be host:port or http://host:port");
    }
    java.util.List<SocketAddress> out = new java.util.ArrayList<>();
    for (String e : endpoints.split(",")) {
      if (!e.isBlank()) {
        out.add(socketAddress(e.strip()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no endpoint in '" + endpoints + "'");
    }
    return java.util.List.copyOf(out);
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
