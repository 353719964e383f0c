package io.weightcast.distributor;

import io.weightcast.protocol.codec.ChunkCodec;
import io.weightcast.protocol.wire.Endpoints;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the distributor role needs, validated once at construction.
 *
 * @param port HTTP port (HTTP/1.1 and h2c); 0 picks a free one (see
 *     {@link DistributorVerticle#actualPort()})
 * @param host interface to bind, e.g. "0.0.0.0" or "127.0.0.1"
 * @param dataDir holds {@code chunks/} and {@code staging/}
 * @param registryEndpoint registry gRPC "host:port" or "http://host:port" (comma-separated for a
 *     cluster of registries); null (or blank) runs
 *     without registering
 * @param advertisedUrl base URL agents use to reach this distributor; null (or blank) means
 *     {@code http://host:actualPort}
 * @param ingestThreads size of the "wc-ingest" worker pool (hashing, zstd, fsync)
 * @param zstdLevel zstd level used once at ingest, in [-7, 22]
 * @param limits egress cap and upload limits (null: {@link DistributorLimits#DEFAULTS})
 * @param rackCrossings at most this many chunks crossing into one rack at once (routing/
 *     RackCrossings): {@code CrossingCap.AUTO} (-1, the default {@link #DEFAULT_RACK_CROSSINGS}:
 *     sized from the rack, see CrossingCap), 0 = no cap, or a fixed cap
 */
public record DistributorConfig(int port, String host, Path dataDir, String registryEndpoint,
    String advertisedUrl, int ingestThreads, int zstdLevel, DistributorLimits limits,
    int rackCrossings) {
  public static final int DEFAULT_PORT = 7070;
  public static final int MAX_INGEST_THREADS = 256;
  public static final int DEFAULT_RACK_CROSSINGS = io.weightcast.protocol.topology.CrossingCap.AUTO;

  public DistributorConfig {
    limits = limits == null ? DistributorLimits.DEFAULTS : limits;
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    Objects.requireNonNull(dataDir, "dataDir");
    registryEndpoint = blankToNull(registryEndpoint);
    if (registryEndpoint != null) {
      Endpoints.socketAddresses(registryEndpoint);
    }
    advertisedUrl = blankToNull(advertisedUrl);
    if (advertisedUrl != null) {
      advertisedUrl = checkedBaseUrl(advertisedUrl);
    }
    if (ingestThreads < 1 || ingestThreads > MAX_INGEST_THREADS) {
      throw new IllegalArgumentException("ingestThreads must be in [1, " + MAX_INGEST_THREADS
          + "], got " + ingestThreads);
    }
    new ChunkCodec(zstdLevel);
    io.weightcast.protocol.topology.CrossingCap.check(rackCrossings);
  }

  /** With the default cap on concurrent rack crossings. */
  public DistributorConfig(int port, String host, Path dataDir, String registryEndpoint,
      String advertisedUrl, int ingestThreads, int zstdLevel, DistributorLimits limits) {
    this(port, host, dataDir, registryEndpoint, advertisedUrl, ingestThreads, zstdLevel, limits,
        DEFAULT_RACK_CROSSINGS);
  }

  /** With the default limits and the default cap on concurrent rack crossings. */
  public DistributorConfig(int port, String host, Path dataDir, String registryEndpoint,
      String advertisedUrl, int ingestThreads, int zstdLevel) {
    this(port, host, dataDir, registryEndpoint, advertisedUrl, ingestThreads, zstdLevel,
        DistributorLimits.DEFAULTS);
  }

  public DistributorConfig withRackCrossings(int cap) {
    return new DistributorConfig(port, host, dataDir, registryEndpoint, advertisedUrl,
        ingestThreads, zstdLevel, limits, cap);
  }

  /** Defaults for everything but the data directory: all interfaces, port 7070, no registry. */
  public static DistributorConfig defaults(Path dataDir) {
    return new DistributorConfig(DEFAULT_PORT, "0.0.0.0", dataDir, null, null,
        Math.max(2, Runtime.getRuntime().availableProcessors()), ChunkCodec.DEFAULT_LEVEL);
  }

  /** The URL announced to the registry once the server listens on {@code actualPort}. */
  public String advertisedBaseUrl(int actualPort) {
    return advertisedUrl != null ? advertisedUrl : "http://" + host + ":" + actualPort;
  }

  /** A stable identity derived from the advertised URL: "host:port". */
  public String distributorId(int actualPort) {
    URI uri = URI.create(advertisedBaseUrl(actualPort));
    return uri.getHost() + ":" + uri.getPort();
  }

  private static String checkedBaseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("advertisedUrl is not a URL: '" + url + "'", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException(
          "advertisedUrl must be http(s)://host:port, got '" + url + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
