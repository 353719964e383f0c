package io.weightcast.protocol.wire;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.micrometer.backends.BackendRegistries;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.protocol.failure.NoSpace;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.failure.Unavailable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} of one role, in the Prometheus text format 0.0.4.
 *
 * <p>Two registries, on purpose. Each role's {@code *Metrics} class owns a fresh
 * {@link PrometheusMeterRegistry} for its own {@code weightcast_*} meters, so a role works the
 * same whether or not Vert.x metrics were enabled, and several roles in one JVM (the demo, the
 * tests) never share or sum each other's counters. When the process created Vert.x with
 * {@code MicrometerMetricsOptions} and a Prometheus backend (the jar's server commands do), the
 * process-wide Vert.x registry ({@code vertx_http_*}, {@code jvm_*}) is appended to the answer;
 * the two never register the same metric family.
 *
 * <p>Threading: {@link #respond} runs {@code beforeScrape} (e.g. a statfs on a worker), then
 * scrapes on the calling context, so gauges that read context-confined state are evaluated
 * there. Counters and timers are thread-safe and may be updated from worker threads.
 */
public final class PrometheusEndpoint {
  public static final String PATH = "/metrics";
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /**
   * Every value of a {@code reason} label: the failure codes, and {@code other} for anything
   * untyped. Roles register their failure counters for all of them up front, so a dashboard
   * shows a 0 rate rather than no data before the first failure.
   */
  public static final List<String> FAILURE_REASONS = List.of(DigestMismatch.CODE,
      ChunkNotFound.CODE, Unavailable.CODE, NoSpace.CODE, InvalidArgument.CODE,
      InvalidManifest.CODE, InvalidTransition.CODE, NotFound.CODE, "other");

  private final PrometheusMeterRegistry registry;
  private final Supplier<Future<?>> beforeScrape;

  public PrometheusEndpoint(PrometheusMeterRegistry registry, Supplier<Future<?>> beforeScrape) {
    this.registry = registry;
    this.beforeScrape = beforeScrape;
  }

  /** A registry for one role's own meters. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Answers a scrape; a failed refresh still answers, with the last known gauge values. */
  public Future<Void> respond(HttpServerResponse response) {
    return beforeScrape.get().transform(ignored -> response.setStatusCode(200)
        .putHeader("content-type", CONTENT_TYPE).end(text()));
  }

  /** The role's meters, then the process's Vert.x meters when Vert.x metrics are enabled. */
  public String text() {
    String own = registry.scrape();
    MeterRegistry process = BackendRegistries.getDefaultNow();
    if (process instanceof PrometheusMeterRegistry p && p != registry) {
      return own + p.scrape();
    }
    return own;
  }

  /** Usable bytes of the file store holding {@code dir}. Blocking (statfs): call on a worker. */
  public static long usableBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat the file store of " + dir, e);
    }
  }
}
