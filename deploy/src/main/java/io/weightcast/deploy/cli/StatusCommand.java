package io.weightcast.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.wire.Endpoints;
import io.weightcast.protocol.wire.Sizes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weightcast status [MODEL [VERSION]]}: rollout progress from the registry's REST API: per
 * node state and bytes for one version, or every version's totals. {@code --watch} redraws.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show rollout progress: every version, or per node for MODEL VERSION.")
public final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL") String model;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION") String version;

  @Option(names = "--registry", defaultValue = "localhost:7070", description = "Registry host:port (default ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--json", description = "Print the registry's JSON.") boolean json;

  @Option(names = "--watch", description = "Redraw every 2 s until interrupted.") boolean watch;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      do {
        String out = render(http);
        if (watch) {
          System.out.print("\u001b[H\u001b[2J");
        }
        System.out.println(out);
        if (watch) {
          Thread.sleep(2_000);
        }
      } while (watch);
      return 0;
    });
  }

  private String render(HttpClient http) throws Exception {
    if (model != null && version != null) {
      JsonObject r = get(http, "/v1/rollouts/" + model + "/" + version);
      return json ? r.encodePrettily() : rollout(r);
    }
    JsonObject models = get(http, "/v1/models");
    JsonArray rows = new JsonArray();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-16s %6s %7s %7s %s%n",
        "MODEL", "VERSION", "NODES", "ACTIVE", "FAILED", "BYTES"));
    for (Object o : models.getJsonArray("models")) {
      String m = ((JsonObject) o).getString("model");
      if (model != null && !model.equals(m)) {
        continue;
      }
      for (Object v : get(http, "/v1/models/" + m + "/versions").getJsonArray("versions")) {
        String ver = ((JsonObject) v).getString("version");
        JsonObject r = get(http, "/v1/rollouts/" + m + "/" + ver);
        rows.add(r);
        JsonObject t = r.getJsonObject("totals");
        sb.append(String.format(Locale.ROOT, "%-24s %-16s %6d %7d %7d %s / %s%n", m, ver,
            t.getInteger("nodes"), t.getInteger("active"), t.getInteger("failed"),
            Sizes.format(t.getLong("bytesDone")), Sizes.format(t.getLong("bytesTotal"))));
      }
    }
    return json ? new JsonObject().put("rollouts", rows).encodePrettily() : sb.toString().strip();
  }

  /** One version: a line per node, slowest (least done) first. */
  static String rollout(JsonObject r) {
    JsonObject t = r.getJsonObject("totals");
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%s/%s: %d nodes, %d active, %d failed, %s / %s%n", r.getString("model"),
        r.getString("version"), t.getInteger("nodes"), t.getInteger("active"),
        t.getInteger("failed"), Sizes.format(t.getLong("bytesDone")),
        Sizes.format(t.getLong("bytesTotal"))));
    r.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .sorted((a, b) -> Double.compare(done(a), done(b)))
        .forEach(n -> sb.append(String.format(Locale.ROOT, "  %-16s %-8s %-10s %-9s %5.1f%%  %s%n",
            n.getString("node"), n.getString("zone"), n.getString("rack"), n.getString("state"),
            100 * done(n), n.getString("lastError", ""))));
    return sb.toString().strip();
  }

  private static double done(JsonObject n) {
    long total = n.getLong("bytesTotal", 0L);
    return total == 0 ? 1.0 : (double) n.getLong("bytesDone", 0L) / total;
  }

  private JsonObject get(HttpClient http, String path) throws Exception {
    URI uri = URI.create(Endpoints.baseUrl(registry) + path);
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    JsonObject body = new JsonObject(resp.body());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("registry answered " + resp.statusCode() + " for " + path
          + ": " + body.getString("message", resp.body()));
    }
    return body;
  }
}
