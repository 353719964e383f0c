package io.weightcast.perf.tls;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.weightcast.protocol.security.ClientSecurity;
import io.weightcast.protocol.security.TlsConfig;
import io.weightcast.protocol.security.TlsOptions;
import io.weightcast.protocol.wire.Http2Tuning;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The cost of TLS on bulk chunk traffic: one JVM, loopback, one HTTP/2 stream moving SIZE bytes
 * from a server to a client with the project's own HTTP/2 windows ({@link Http2Tuning}) and TLS
 * options ({@link TlsOptions}), for h2c, h2 over TLS with the JDK engine and with OpenSSL
 * (netty-tcnative BoringSSL). REPS runs each, interleaved; prints every run and the median
 * MB/s of each mode with its ratio to h2c. Usage: {@code TlsMain [SIZE_MIB] [REPS]}.
 */
public final class TlsMain {
  private static final int WRITE = 1 << 20;

  private enum Mode { H2C, JDK, OPENSSL }

  private TlsMain() {}

  public static void main(String[] args) throws Exception {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long bytes = mib << 20;
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    TlsConfig tls = new TlsConfig(Path.of(cert.certificatePath()),
        Path.of(cert.privateKeyPath()), Path.of(cert.certificatePath()),
        TlsConfig.ClientAuthMode.NONE, TlsConfig.Engine.AUTO);
    Vertx vertx = Vertx.vertx();
    System.out.printf("TLS cost: %d MiB per run, %d runs per mode, OpenSSL available: %s%n",
        mib, reps, io.vertx.core.net.OpenSSLEngineOptions.isAvailable());
    List<List<Double>> rates = new ArrayList<>();
    for (Mode m : Mode.values()) {
      rates.add(new ArrayList<>());
    }
    try {
      for (int r = 1; r <= reps + 1; r++) {
        for (Mode m : Mode.values()) {
          TlsConfig t = m == Mode.H2C ? TlsConfig.NONE : tls.withEngine(
              m == Mode.JDK ? TlsConfig.Engine.JDK : TlsConfig.Engine.OPENSSL);
          double mbs = run(vertx, t, bytes);
          boolean warmUp = r == 1;
          if (!warmUp) {
            rates.get(m.ordinal()).add(mbs);
          }
          System.out.printf(Locale.ROOT, "%s %-8s %8.0f MB/s%n", warmUp ? "warm-up" : "run " + (r - 1),
              m.name().toLowerCase(Locale.ROOT), mbs);
        }
      }
      double base = median(rates.get(0));
      for (Mode m : Mode.values()) {
        double med = median(rates.get(m.ordinal()));
        System.out.printf(Locale.ROOT, "median %-8s %8.0f MB/s  (%.2fx h2c)%n",
            m.name().toLowerCase(Locale.ROOT), med, med / base);
      }
    } finally {
      vertx.close().await();
      cert.delete();
    }
  }

  /** One transfer of {@code bytes} over a fresh server and client; answers MB/s (10^6 B/s). */
  private static double run(Vertx vertx, TlsConfig tls, long bytes) {
    HttpServer server = on(vertx, () -> vertx.createHttpServer(TlsOptions.server(
            Http2Tuning.serverOptions("localhost", 0), tls))
        .requestHandler(req -> send(req.response(), bytes))
        .listen()).await();
    boolean https = tls.serves();
    URI target = URI.create((https ? "https" : "http") + "://localhost:" + server.actualPort());
    ClientSecurity security = new ClientSecurity(https ? tls : TlsConfig.NONE, null);
    HttpClient http = vertx.createHttpClient(security.options(
        Http2Tuning.clientOptions(4, 30_000), https));
    try {
      long[] received = {0};
      long start = System.nanoTime();
      on(vertx, () -> http.request(security.apply(new RequestOptions().setMethod(HttpMethod.GET)
              .setHost("localhost").setPort(server.actualPort()).setURI("/bytes"), target))
          .compose(req -> req.send())
          .compose(resp -> {
            if (resp.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
              return Future.failedFuture("not HTTP/2: " + resp.version());
            }
            resp.handler(b -> received[0] += b.length());
            return resp.end();
          })).await();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (received[0] != bytes) {
        throw new IllegalStateException("received " + received[0] + " of " + bytes + " bytes");
      }
      return bytes / seconds / 1e6;
    } finally {
      http.close().await();
      server.close().await();
    }
  }

  /** Writes {@code bytes} of one reused 1 MiB buffer, honouring the write queue. */
  private static void send(HttpServerResponse resp, long bytes) {
    Buffer chunk = Buffer.buffer(new byte[WRITE]);
    resp.putHeader("content-length", Long.toString(bytes));
    long[] left = {bytes};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (left[0] > 0 && !resp.writeQueueFull()) {
        int n = (int) Math.min(WRITE, left[0]);
        left[0] -= n;
        resp.write(n == WRITE ? chunk : chunk.getBuffer(0, n));
      }
      if (left[0] == 0) {
        resp.drainHandler(null);
        resp.end();
      } else {
        resp.drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  private static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    return s.get(s.size() / 2);
  }

  private static <T> Future<T> on(Vertx vertx, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
