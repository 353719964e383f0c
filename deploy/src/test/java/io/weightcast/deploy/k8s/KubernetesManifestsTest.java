package io.weightcast.deploy.k8s;

import static io.weightcast.deploy.k8s.K8sManifests.COMPONENT_LABEL;
import static io.weightcast.deploy.k8s.K8sManifests.NAME_LABEL;
import static io.weightcast.deploy.k8s.K8sManifests.mainContainer;
import static io.weightcast.deploy.k8s.K8sManifests.podLabels;
import static io.weightcast.deploy.k8s.K8sManifests.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static checks of deploy/k8s and deploy/docker/Dockerfile: the fields that, when wrong, deploy
 * fine and then fail at run time (a Service selecting nothing, a probe on the wrong port, the
 * agent's models in the container instead of on the host). No cluster is needed.
 */
class KubernetesManifestsTest {
  private static final String NAMESPACE = "weightcast";
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole",
      "ClusterRoleBinding");
  private static final List<String> JAVA_OPENS = List.of("java.base/java.lang=ALL-UNNAMED",
      "java.base/sun.nio.ch=ALL-UNNAMED");

  private static K8sManifests k8s;
  private static DockerfileSpec dockerfile;

  @BeforeAll
  static void load() throws IOException {
    k8s = K8sManifests.load();
    dockerfile = DockerfileSpec.load(K8sManifests.locate("docker").resolve("Dockerfile"));
  }

  @Test
  void everyObjectIsLabelledWeightcastWithItsComponentInTheNamespace() {
    assertTrue(k8s.documents().size() > 0, k8s.dir() + " holds no manifests");
    k8s.find("Namespace", null, NAMESPACE);
    for (ManifestNode doc : k8s.documents()) {
      doc.at("apiVersion").text();
      String kind = doc.at("kind").text();
      doc.at("metadata.name").text();
      Map<String, String> labels = doc.at("metadata.labels").stringMap();
      doc.at("metadata.labels").check(NAMESPACE.equals(labels.get(NAME_LABEL)),
          "must have " + NAME_LABEL + ": weightcast, has " + labels);
      if (!kind.equals("Namespace")) {
        doc.at("metadata.labels").check(LaunchLine.ROLES.contains(labels.get(COMPONENT_LABEL)),
            "must have " + COMPONENT_LABEL + " in " + LaunchLine.ROLES + ", has " + labels);
      }
      if (!CLUSTER_SCOPED.contains(kind)) {
        doc.at("metadata.namespace").check(NAMESPACE.equals(doc.at("metadata.namespace")
            .textOrNull()), "must be " + NAMESPACE);
      }
    }
  }

  @Test
  void eachRoleHasOneWorkloadWhoseSelectorMatchesItsPodLabels() {
    assertEquals("StatefulSet", k8s.workload("registry").at("kind").text());
    assertEquals("Deployment", k8s.workload("distributor").at("kind").text());
    assertEquals("DaemonSet", k8s.workload("agent").at("kind").text());
    for (ManifestNode workload : k8s.workloads()) {
      Map<String, String> selector = workload.at("spec.selector.matchLabels").stringMap();
      Map<String, String> pod = podLabels(workload);
      workload.at("spec.selector.matchLabels").check(!selector.isEmpty(), "is empty");
      selector.forEach((key, value) -> workload.at("spec.template.metadata.labels").check(
          value.equals(pod.get(key)), "must contain selector label " + key + ": " + value));
      Map<String, String> own = workload.at("metadata.labels").stringMap();
      for (String key : List.of(NAME_LABEL, COMPONENT_LABEL)) {
        workload.at("spec.template.metadata.labels").check(own.get(key).equals(pod.get(key)),
            "must repeat metadata.labels " + key + ": " + own.get(key));
      }
      workload.at("spec.selector.matchLabels").check(selector.containsKey(COMPONENT_LABEL),
          "must select on " + COMPONENT_LABEL + " so roles never share pods");
    }
  }

  @Test
  void everyRoleRunsTheSameImageWithItsOwnRole() {
    Set<String> images = new TreeSet<>();
    for (ManifestNode workload : k8s.workloads()) {
      for (String list : List.of("containers", "initContainers")) {
        for (ManifestNode c : workload.at("spec.template.spec." + list).items()) {
          c.at("image").check(!c.at("image").text().isBlank(), "is blank");
          c.at("image").check(!c.at("image").text().endsWith(":latest")
              && c.at("image").text().contains(":"), "must pin a tag, not latest");
        }
      }
      ManifestNode main = mainContainer(workload);
      images.add(main.at("image").text());
      String component = podLabels(workload).get(COMPONENT_LABEL);
      main.at("args").check(LaunchLine.of(main).role().equals(component),
          "must start role " + component + ", starts " + LaunchLine.of(main).role());
    }
    assertEquals(1, images.size(), "registry, distributor and agent must share one image: "
        + images);
  }

  @Test
  void containerPortsMatchThePortFlags() {
    for (ManifestNode workload : k8s.workloads()) {
      ManifestNode main = mainContainer(workload);
      int port = Integer.parseInt(LaunchLine.of(main).requiredFlag("--port"));
      main.at("ports").check(main.at("ports").items().stream()
          .anyMatch(p -> p.at("containerPort").text().equals(String.valueOf(port))),
          "must declare containerPort " + port + " (its --port)");
    }
  }

  @Test
  void everyServiceSelectsOneWorkloadAndTargetsItsServingPort() {
    assertTrue(!k8s.ofKind("Service").isEmpty(), k8s.dir() + " has no Service");
    for (ManifestNode service : k8s.ofKind("Service")) {
      Map<String, String> selector = service.at("spec.selector").stringMap();
      service.at("spec.selector").check(!selector.isEmpty(), "is empty");
      List<ManifestNode> selected = k8s.workloads().stream()
          .filter(w -> podLabels(w).entrySet().containsAll(selector.entrySet())).toList();
      service.at("spec.selector").check(selected.size() == 1,
          "must select exactly one workload's pods, selects " + selected.size() + ": "
              + selected.stream().map(ManifestNode::source).toList());
      ManifestNode main = mainContainer(selected.get(0));
      int serving = Integer.parseInt(LaunchLine.of(main).requiredFlag("--port"));
      // A clustered role also listens on its --cluster-port (Hazelcast membership).
      int cluster = LaunchLine.of(main).flag("--cluster-port").map(Integer::parseInt).orElse(-1);
      for (ManifestNode port : service.at("spec.ports").items()) {
        ManifestNode target = port.at("targetPort").exists() ? port.at("targetPort")
            : port.at("port");
        int reached = resolvePort(main, target);
        target.check(reached == serving || reached == cluster, "must reach " + main.source()
            + " on its --port " + serving + (cluster > 0 ? " or --cluster-port " + cluster : ""));
      }
    }
  }

  @Test
  void readinessAndLivenessProbesGetHealthOnTheServingPort() {
    for (ManifestNode workload : k8s.workloads()) {
      ManifestNode main = mainContainer(workload);
      int serving = Integer.parseInt(LaunchLine.of(main).requiredFlag("--port"));
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        ManifestNode get = main.at(probe + ".httpGet");
        if (probe.equals("startupProbe") && !main.at(probe).exists()) {
          continue;
        }
        get.at("path").check("/health".equals(get.at("path").textOrNull()), "must be /health");
        get.at("port").check(resolvePort(main, get.at("port")) == serving,
            "must be the --port " + serving);
      }
    }
  }

  @Test
  void everyVolumeMountNamesAVolumeOrClaimTemplate() {
    for (ManifestNode workload : k8s.workloads()) {
      Set<String> declared = new TreeSet<>();
      workload.at("spec.template.spec.volumes").items()
          .forEach(v -> declared.add(v.at("name").text()));
      workload.at("spec.volumeClaimTemplates").items()
          .forEach(t -> declared.add(t.at("metadata.name").text()));
      for (String list : List.of("containers", "initContainers")) {
        for (ManifestNode c : workload.at("spec.template.spec." + list).items()) {
          for (ManifestNode mount : c.at("volumeMounts").items()) {
            mount.at("name").check(declared.contains(mount.at("name").text()),
                "names no declared volume (has " + declared + ")");
          }
        }
      }
    }
  }

  @Test
  void everyContainerRequestsAndLimitsCpuAndMemory() {
    for (ManifestNode workload : k8s.workloads()) {
      for (String list : List.of("containers", "initContainers")) {
        for (ManifestNode c : workload.at("spec.template.spec." + list).items()) {
          for (String field : List.of("requests.cpu", "requests.memory", "limits.cpu",
              "limits.memory")) {
            c.at("resources." + field).text();
          }
        }
      }
    }
  }

  @Test
  void kustomizationListsExactlyTheManifestFiles() throws IOException {
    Set<String> listed = new TreeSet<>();
    k8s.kustomization().at("resources").items().forEach(r -> listed.add(r.text()));
    Set<String> present = new TreeSet<>();
    for (Path file : K8sManifests.yamlFiles(k8s.dir())) {
      String relative = k8s.dir().relativize(file).toString();
      if (!relative.equals(K8sManifests.KUSTOMIZATION)) {
        present.add(relative);
      }
    }
    Set<String> missing = new TreeSet<>(present);
    missing.removeAll(listed);
    Set<String> dangling = new TreeSet<>(listed);
    dangling.removeIf(r -> Files.isRegularFile(k8s.dir().resolve(r)));
    k8s.kustomization().at("resources").check(missing.isEmpty(), "must list " + missing);
    k8s.kustomization().at("resources").check(dangling.isEmpty(),
        "lists files that do not exist: " + dangling);
  }

  @Test
  void dockerfileRunsTheJarOnTemurin17JreWithTheOpensAsNonRoot() {
    Path file = K8sManifests.locate("docker").resolve("Dockerfile");
    assertTrue(!dockerfile.froms().isEmpty(), file + ": no FROM");
    String from = dockerfile.froms().get(dockerfile.froms().size() - 1);
    assertTrue(from.startsWith("eclipse-temurin:17-jre"), file + ": FROM must be "
        + "eclipse-temurin:17-jre, is " + from);
    List<String> entry = dockerfile.entrypoint();
    assertTrue(!entry.isEmpty() && entry.get(0).equals("java"),
        file + ": ENTRYPOINT must be exec form starting with java, is " + entry);
    assertTrue(opens(entry).containsAll(JAVA_OPENS),
        file + ": ENTRYPOINT must --add-opens " + JAVA_OPENS + ", has " + opens(entry));
    int jar = entry.indexOf("-jar");
    assertTrue(jar >= 0 && jar == entry.size() - 2 && entry.get(jar + 1).endsWith(
        "/weightcast.jar"), file + ": ENTRYPOINT must end with -jar .../weightcast.jar: " + entry);
    assertTrue(dockerfile.copies().stream().anyMatch(c -> c.contains("weightcast.jar")),
        file + ": no COPY of weightcast.jar");
    assertTrue(!dockerfile.users().isEmpty(), file + ": no USER, the image would run as root");
    String user = dockerfile.users().get(dockerfile.users().size() - 1).split(":")[0];
    assertTrue(!user.equals("root") && !user.equals("0"), file + ": USER must not be root");
  }

  /** Values following each --add-opens in a command line. */
  static List<String> opens(List<String> command) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < command.size(); i++) {
      if (command.get(i).equals("--add-opens")) {
        out.add(command.get(i + 1));
      }
    }
    return out;
  }
}
