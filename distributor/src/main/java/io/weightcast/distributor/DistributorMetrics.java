package io.weightcast.distributor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.weightcast.distributor.store.ChunkStoreWorker;
import io.weightcast.protocol.failure.WeightcastFailure;
import io.weightcast.protocol.wire.PrometheusEndpoint;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distributor's Prometheus meters, in its own registry (why: {@link PrometheusEndpoint}).
 * Labels are bounded: {@code op} is read or upload, {@code result} stored or already_present,
 * {@code reason} a {@link WeightcastFailure#code()} or {@code other}; never a digest.
 *
 * <ul>
 *   <li>{@code weightcast_chunks_served_total}, {@code weightcast_chunk_served_bytes_total}:
 *       chunk GETs answered in full, and their body bytes (frames as stored, usually zstd);
 *   <li>{@code weightcast_chunks_ingested_total{result}}: uploads accepted;
 *   <li>{@code weightcast_chunk_failures_total{op,reason}}: reads and uploads refused or failed
 *       (e.g. upload/digest_mismatch, read/chunk_not_found);
 *   <li>{@code weightcast_chunks_stored}: chunks in the store;
 *   <li>{@code weightcast_disk_free_bytes}: usable bytes on the store's file system, refreshed
 *       on the ingest pool before each scrape.
 * </ul>
 *
 * <p>Threading: counters are updated on the event loops of the chunk API; gauges read the
 * store's index (thread-safe) and an atomic.
 */
public final class DistributorMetrics {
  private final PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
  private final AtomicLong diskFree = new AtomicLong();
  private final PrometheusEndpoint endpoint;
  private final Counter served;
  private final Counter servedBytes;

  public DistributorMetrics(ChunkStoreWorker store, Path dataDir) {
    endpoint = new PrometheusEndpoint(registry, () -> store.execute(() -> {
      diskFree.set(PrometheusEndpoint.usableBytes(dataDir));
      return null;
    }));
    served = Counter.builder("weightcast.chunks.served")
        .description("Chunk GETs answered in full").register(registry);
    servedBytes = Counter.builder("weightcast.chunk.served").baseUnit("bytes")
        .description("Chunk body bytes sent").register(registry);
    Gauge.builder("weightcast.chunks.stored", store::size)
        .description("Chunks held in the store").register(registry);
    Gauge.builder("weightcast.disk.free", diskFree::get).baseUnit("bytes")
        .description("Usable bytes on the file system of the data directory").register(registry);
    ingested("stored");
    ingested("already_present");
    for (String reason : PrometheusEndpoint.FAILURE_REASONS) {
      failures("read", reason);
      failures("upload", reason);
    }
  }

  /** Counts a chunk read (GET or HEAD) once {@code outcome} settles; answers it unchanged. */
  public Future<?> read(RoutingContext ctx, Future<?> outcome) {
    return outcome.andThen(ar -> {
      HttpServerResponse response = ctx.response();
      if (ar.failed()) {
        failure("read", ar.cause());
      } else if (ctx.request().method() == HttpMethod.GET && response.getStatusCode() < 300) {
        served.increment();
        servedBytes.increment(response.bytesWritten());
      }
    });
  }

  /** Counts an upload once {@code outcome} settles (201 stored, 200 already present). */
  public Future<?> upload(RoutingContext ctx, Future<?> outcome) {
    return outcome.andThen(ar -> {
      if (ar.failed()) {
        failure("upload", ar.cause());
      } else {
        String result = ctx.response().getStatusCode() == 201 ? "stored" : "already_present";
        ingested(result).increment();
      }
    });
  }

  private void failure(String op, Throwable cause) {
    failures(op, cause instanceof WeightcastFailure f ? f.code() : "other").increment();
  }

  private Counter failures(String op, String reason) {
    return Counter.builder("weightcast.chunk.failures").tag("op", op).tag("reason", reason)
        .description("Chunk operations that failed, by reason").register(registry);
  }

  private Counter ingested(String result) {
    return Counter.builder("weightcast.chunks.ingested").tag("result", result)
        .description("Chunk uploads accepted").register(registry);
  }

  public PrometheusEndpoint endpoint() {
    return endpoint;
  }
}
