package io.weightcast.deploy.k8s;

import static io.weightcast.deploy.k8s.K8sManifests.mainContainer;
import static io.weightcast.deploy.k8s.K8sManifests.podLabels;
import static io.weightcast.deploy.k8s.K8sManifests.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.agent.AgentVerticle;
import io.weightcast.deploy.cli.CliSupport;
import io.weightcast.deploy.demo.DemoCluster;
import io.weightcast.deploy.demo.DemoRun;
import io.weightcast.protocol.testing.Scrape;
import io.weightcast.protocol.wire.Endpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/observability: the Grafana dashboard queries only metrics the roles really export (names
 * collected from live scrapes of a demo with Vert.x metrics on, as the jar runs it), and the
 * Prometheus jobs select the pods and ports that deploy/k8s declares.
 */
class ObservabilityFilesTest {
  private static final Pattern METRIC = Pattern.compile("\\b((?:weightcast|vertx|jvm)_[a-z0-9_]+)");
  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of("registry", 7070, "distributor", 7080, "agent", 7090);
  @TempDir Path dir;

  @Test
  void everyMetricTheDashboardQueriesIsExportedByARole() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(
        K8sManifests.locate("observability").resolve("grafana-dashboard.json")));
    Set<String> queried = new TreeSet<>();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonArray targets = panels.getJsonObject(i).getJsonArray("targets");
      assertFalse(targets.isEmpty(), "panel " + panels.getJsonObject(i).getString("title"));
      for (int t = 0; t < targets.size(); t++) {
        Matcher m = METRIC.matcher(targets.getJsonObject(t).getString("expr"));
        while (m.find()) {
          queried.add(m.group(1));
        }
      }
    }
    for (String required : List.of("weightcast_rollout_nodes",
        "weightcast_chunk_received_bytes_total", "weightcast_chunk_failures_total",
        "weightcast_time_to_active_seconds_bucket", "weightcast_fetches_in_flight",
        "weightcast_disk_free_bytes")) {
      assertTrue(queried.contains(required), "the dashboard has no panel on " + required);
    }

    Set<String> exported = new TreeSet<>();
    Vertx vertx = CliSupport.newServerVertx();
    DemoCluster cluster = new DemoCluster(vertx, dir);
    try {
      DemoRun.Summary s = new DemoRun(new DemoRun.Options(2, 4 << 20, dir, 1 << 20, 120_000),
          new PrintStream(PrintStream.nullOutputStream())).run(vertx, cluster);
      assertEquals(2, s.agentsActive());
      List<Scrape> scrapes = new ArrayList<>();
      scrapes.add(Scrape.of(vertx, Endpoints.uri(cluster.registryEndpoint()).getPort()));
      scrapes.add(Scrape.of(vertx, Endpoints.uri(cluster.distributorUrl()).getPort()));
      double received = 0;
      for (AgentVerticle agent : cluster.agents()) {
        Scrape a = Scrape.of(vertx, agent.actualPort());
        assertEquals(s.chunks(), a.sum("weightcast_chunks_verified_total"));
        received += a.sum("weightcast_chunk_received_bytes_total");
        scrapes.add(a);
      }
      assertTrue(received > 0, "agents received no bytes");
      for (Scrape scrape : scrapes) {
        assertTrue(scrape.names().contains("vertx_http_server_requests_total"),
            "Vert.x metrics are missing from a role's /metrics");
        scrape.samples().keySet().forEach(series -> assertFalse(
            series.contains("path=\"") || series.contains("remote=\"")
                || series.contains("127.0.0.1") || series.contains("agent-0"),
            "a label names a path, an address or a node: " + series));
        exported.addAll(scrape.names());
      }
    } finally {
      cluster.stop();
    }
    Set<String> unknown = new TreeSet<>(queried);
    unknown.removeAll(exported);
    assertTrue(unknown.isEmpty(), "the dashboard queries metrics no role exports: " + unknown);
  }

  @Test
  void prometheusJobsSelectEachRolesPodsAndMetricsPort() throws IOException {
    K8sManifests k8s = K8sManifests.load();
    Map<String, Object> config;
    try (Reader reader = Files.newBufferedReader(
        K8sManifests.locate("observability").resolve("prometheus.yml"))) {
      config = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
    ManifestNode root = new ManifestNode("prometheus.yml", "", config);
    List<ManifestNode> jobs = root.at("scrape_configs").items();
    assertEquals(3, jobs.size(), "one job per role");
    Set<String> components = new TreeSet<>();
    for (ManifestNode job : jobs) {
      job.at("metrics_path").check("/metrics".equals(job.at("metrics_path").text()),
          "must scrape /metrics");
      ManifestNode sd = job.at("kubernetes_sd_configs").items().get(0);
      sd.check("pod".equals(sd.at("role").text()), "must discover pods");
      sd.check(sd.at("namespaces.names").items().stream()
          .anyMatch(n -> n.text().equals("weightcast")), "must look in namespace weightcast");
      String component = keepRegex(job, "__meta_kubernetes_pod_label_app_kubernetes_io_component");
      String name = keepRegex(job, "__meta_kubernetes_pod_label_app_kubernetes_io_name");
      String portName = keepRegex(job, "__meta_kubernetes_pod_container_port_name");
      components.add(component);
      ManifestNode workload = k8s.workload(component);
      job.check(name.equals(podLabels(workload).get(K8sManifests.NAME_LABEL)),
          "keeps app.kubernetes.io/name=" + name + ", the " + component + " pods are labelled "
              + podLabels(workload));
      ManifestNode main = mainContainer(workload);
      int port = resolvePort(main, new ManifestNode("prometheus.yml", job.path(), portName));
      int launched = LaunchLine.of(main).flag("--port").map(Integer::parseInt)
          .orElse(DEFAULT_PORTS.get(component));
      job.check(port == launched, "port '" + portName + "' is " + port + ", but the "
          + component + " listens (and serves /metrics) on " + launched);
    }
    assertEquals(Set.of("registry", "distributor", "agent"), components);
  }

  /** The regex of the job's keep rule on {@code label}. */
  private static String keepRegex(ManifestNode job, String label) {
    return job.at("relabel_configs").items().stream()
        .filter(r -> "keep".equals(r.at("action").textOrNull()))
        .filter(r -> r.at("source_labels").items().stream().anyMatch(l -> l.text().equals(label)))
        .map(r -> r.at("regex").text())
        .findFirst()
        .orElseThrow(() -> job.fail("has no keep rule on " + label));
  }
}
