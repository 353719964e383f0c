package io.weightcast.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.wire.Sizes;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weightcast status [MODEL [VERSION]]}: rollout progress from the registry's REST API:
 * every rollout's totals, or for MODEL VERSION a progress bar per zone and rack, the slowest
 * nodes and the errors. {@code --watch} redraws every 2 s, {@code --json} prints the JSON.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show rollout progress: every rollout, or per zone/rack for MODEL VERSION.")
public final class StatusCommand implements Callable<Integer> {
  private static final int BAR = 24;
  private static final long WATCH_PERIOD_MS = 2_000;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL") String model;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION") String version;

  @Option(names = "--registry", defaultValue = "localhost:7070", description = "Registry host:port (default ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--json", description = "Print the registry's JSON.") boolean json;

  @Option(names = "--watch", description = "Redraw every 2 s until interrupted.") boolean watch;

  /** TLS trust and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      RegistryRest rest = new RegistryRest(registry, null, security.client());
      if (!watch) {
        System.out.println(render(rest));
        return 0;
      }
      // --watch: one daemon ticker thread redraws every 2 s; the main thread only waits until the
      // user interrupts (Ctrl-C ends the JVM). A failed poll is shown in place of the view and the
      // next tick tries again, so a registry restart or failover does not end the watch.
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-watch");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleWithFixedDelay(() -> redraw(rest), 0, WATCH_PERIOD_MS, TimeUnit.MILLISECONDS);
      new CountDownLatch(1).await();
      return 0;
    });
  }

  private void redraw(RegistryRest rest) {
    String out;
    try {
      out = render(rest);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      out = "registry " + registry + " unreachable: " + why + " (retrying every "
          + WATCH_PERIOD_MS / 1000 + " s)";
    }
    System.out.print("\u001b[H\u001b[2J");
    System.out.println(out);
  }

  private String render(RegistryRest rest) throws Exception {
    if (model != null && version != null) {
      JsonObject r = rest.get("/v1/rollouts/" + model + "/" + version);
      return json ? r.encodePrettily() : rollout(r);
    }
    JsonArray rows = new JsonArray();
    for (Object o : rest.get("/v1/rollouts").getJsonArray("rollouts")) {
      JsonObject r = (JsonObject) o;
      if (model == null || model.equals(r.getString("model"))) {
        rows.add(r);
      }
    }
    return json ? new JsonObject().put("rollouts", rows).encodePrettily() : overview(rows);
  }

  /** One line per rollout. */
  static String overview(JsonArray rows) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%-24s %-16s %6s %7s %7s  %-9s %-" + (BAR + 7) + "s %s%n", "MODEL", "VERSION", "NODES",
        "ACTIVE", "FAILED", "STATE", "PROGRESS", "BYTES"));
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      JsonObject t = r.getJsonObject("totals");
      String flags = (r.getBoolean("pinned", false) ? " pinned" : "")
          + (r.getBoolean("withdrawn", false) ? " withdrawn" : "")
          + (r.getBoolean("target", false) ? " target" : "");
      sb.append(String.format(Locale.ROOT, "%-24s %-16s %6d %7d %7d  %-9s %s %s / %s%s%n",
          r.getString("model"), r.getString("version"), t.getInteger("nodes"),
          t.getInteger("active"), t.getInteger("failed"), r.getString("state"),
          bar(t.getLong("bytesDone"), t.getLong("bytesTotal")),
          Sizes.format(t.getLong("bytesDone")), Sizes.format(t.getLong("bytesTotal")), flags));
    }
    return sb.toString().strip();
  }

  /** One rollout: headline, a bar per zone and rack, the slowest nodes, the errors. */
  static String rollout(JsonObject r) {
    JsonObject t = r.getJsonObject("totals");
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%s/%s: %d nodes, %d active, %d failed, %s / %s, %s, %s/s, %s%n", r.getString("model"),
        r.getString("version"), t.getInteger("nodes"), t.getInteger("active"),
        t.getInteger("failed"), Sizes.format(t.getLong("bytesDone")),
        Sizes.format(t.getLong("bytesTotal")), r.getString("state"),
        Sizes.format(r.getLong("rate", 0L)), eta(r.getDouble("etaSeconds"))));
    for (Object z : r.getJsonArray("zones", new JsonArray())) {
      JsonObject zone = (JsonObject) z;
      long zd = 0;
      long zt = 0;
      StringBuilder racks = new StringBuilder();
      for (Object k : zone.getJsonArray("racks")) {
        JsonObject rack = (JsonObject) k;
        zd += rack.getLong("bytesDone");
        zt += rack.getLong("bytesTotal");
        racks.append(String.format(Locale.ROOT, "    rack %-14s %s %3d nodes%n",
            rack.getString("rack"), bar(rack.getLong("bytesDone"), rack.getLong("bytesTotal")),
            rack.getJsonArray("nodes").size()));
      }
      sb.append(String.format(Locale.ROOT, "  zone %-16s %s%n", zone.getString("zone"),
          bar(zd, zt))).append(racks);
    }
    appendNodes(sb, "slowest", r.getJsonArray("stragglers", new JsonArray()));
    appendNodes(sb, "errors", r.getJsonArray("errors", new JsonArray()));
    return sb.toString().strip();
  }

  private static void appendNodes(StringBuilder sb, String title, JsonArray nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    sb.append("  ").append(title).append(":\n");
    for (Object o : nodes) {
      JsonObject n = (JsonObject) o;
      sb.append(String.format(Locale.ROOT, "    %-16s %-8s %-10s %-9s %s %s/s %s %s%n",
          n.getString("node"), n.getString("zone"), n.getString("rack"), n.getString("state"),
          bar(n.getLong("bytesDone"), n.getLong("bytesTotal")),
          Sizes.format(n.getLong("rate", 0L)), eta(n.getDouble("etaSeconds")),
          n.getString("lastError", "")));
    }
  }

  /** {@code [#########...........]  42%}: BAR characters wide. */
  static String bar(long done, long total) {
    double f = total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
    int full = (int) Math.round(f * BAR);
    return "[" + "#".repeat(full) + ".".repeat(BAR - full) + "] "
        + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100));
  }

  private static String eta(Double seconds) {
    if (seconds == null) {
      return "ETA -";
    }
    return seconds < 60 ? String.format(Locale.ROOT, "ETA %.0f s", seconds)
        : String.format(Locale.ROOT, "ETA %d min %d s", (long) (seconds / 60),
            Math.round(seconds % 60));
  }
}
