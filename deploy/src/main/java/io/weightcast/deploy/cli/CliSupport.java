package io.weightcast.deploy.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Shared plumbing of the CLI commands: one Vert.x per command, work run on its context. */
public final class CliSupport {
  /** The agent's disk pool is named wc-agent-disk-NODE (see AgentVerticle). */
  private static final String AGENT_DISK_POOL = "wc-agent-disk";
  private CliSupport() {}

  public static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
  }

  /**
   * Vert.x for the server roles: {@link #newVertx()} plus vertx-micrometer-metrics with a
   * Prometheus backend, which each role's {@code /metrics} appends to its own meters (see
   * {@code PrometheusEndpoint}). Cheap and low-cardinality: only HTTP server, HTTP client, named
   * worker pools and JVM meters; labels are method, status code, route template and pool, never
   * the path (it names a digest) nor the remote address (it names a peer). Two filters on the
   * registry: HTTP client connection pools are dropped (Vert.x names them after the remote
   * host:port, one per peer) and the agent's disk pool loses its node-id suffix.
   */
  public static Vertx newServerVertx() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(MeterFilter.deny(id -> "http".equals(id.getTag("pool_type"))))
        .meterFilter(MeterFilter.replaceTagValues("pool_name",
            name -> name.startsWith(AGENT_DISK_POOL) ? AGENT_DISK_POOL : name));
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
            Label.POOL_TYPE, Label.POOL_NAME))
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
        .addDisabledMetricsCategory(MetricsDomain.VERTICLES);
    return Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(false).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /**
   * Runs {@code work} on a Vert.x context (HTTP/2 clients must be driven from one, see
   * ../shared/STACK-NOTES.md) and blocks the calling (main) thread for its result.
   */
  public static <T> T runOnContext(Vertx vertx, Function<Vertx, Future<T>> work) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        work.apply(vertx).onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future().await();
  }

  /** Runs a command body, printing a failure as one clear line; answers the exit code. */
  public static int exitCode(Callable<Integer> body) {
    try {
      return body.call();
    } catch (WeightcastFailure e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof WeightcastFailure f ? f : e;
      System.err.println("error: " + cause.getMessage());
      return 1;
    }
  }
}
