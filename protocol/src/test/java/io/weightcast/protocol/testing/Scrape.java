package io.weightcast.protocol.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a role's {@code GET /metrics} over real HTTP, parsed from the Prometheus text
 * format: each sample line {@code name{k="v",...} value}.
 *
 * @param contentType the response's content-type header
 * @param samples value per series, keyed by the series text ({@code name{k="v",...}})
 */
public record Scrape(String contentType, Map<String, Double> samples) {

  /** Scrapes {@code 127.0.0.1:port/metrics}, issuing the request from a Vert.x context. */
  public static Scrape of(Vertx vertx, int port) {
    Promise<Scrape> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      HttpClient http = vertx.createHttpClient();
      http.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
          .compose(req -> req.send())
          .compose(resp -> resp.statusCode() != 200
              ? Future.failedFuture("GET /metrics answered " + resp.statusCode())
              : resp.body().map(b -> parse(resp.getHeader("content-type"), b.toString())))
          .eventually(http::close)
          .onComplete(result);
    });
    return result.future().await();
  }

  public static Scrape parse(String contentType, String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(contentType, samples);
  }

  /** Metric names of every sample (histogram series keep their _bucket/_count/_sum suffix). */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.keySet().forEach(k -> names.add(nameOf(k)));
    return names;
  }

  /** The sum over every series of {@code name} whose labels include all {@code labels} pairs. */
  public double sum(String name, String... labels) {
    double total = 0;
    boolean found = false;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      if (nameOf(e.getKey()).equals(name) && hasLabels(e.getKey(), labels)) {
        total += e.getValue();
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no series " + name + " with " + String.join(",", labels)
          + " in the scrape; names: " + names());
    }
    return total;
  }

  /** {@link #sum}, or 0 when no such series has been registered yet. */
  public double sumOrZero(String name, String... labels) {
    return names().contains(name) ? sumMatching(name, labels) : 0;
  }

  private double sumMatching(String name, String... labels) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      if (nameOf(e.getKey()).equals(name) && hasLabels(e.getKey(), labels)) {
        total += e.getValue();
      }
    }
    return total;
  }

  private static boolean hasLabels(String series, String... labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      String pair = labels[i] + "=\"" + labels[i + 1] + "\"";
      if (!series.contains("{" + pair) && !series.contains("," + pair)) {
        return false;
      }
    }
    return true;
  }

  private static String nameOf(String series) {
    int brace = series.indexOf('{');
    return brace < 0 ? series : series.substring(0, brace);
  }
}
