package io.weightcast.deploy.k8s;

import static io.weightcast.deploy.k8s.K8sManifests.mainContainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each role's manifest must get right for that role: where its data lives, how it is
 * addressed, and (for the agent) where its identity and topology come from. The checks shared
 * by every role are in {@link KubernetesManifestsTest}.
 */
class KubernetesRoleManifestsTest {
  private static K8sManifests k8s;
  private static DockerfileSpec dockerfile;

  @BeforeAll
  static void load() throws IOException {
    k8s = K8sManifests.load();
    dockerfile = DockerfileSpec.load(K8sManifests.locate("docker").resolve("Dockerfile"));
  }

  @Test
  void registryKeepsItsLogOnAVolumeClaimTemplateMountedAtItsDataDir() {
    ManifestNode registry = k8s.workload("registry");
    ManifestNode main = mainContainer(registry);
    String data = LaunchLine.of(main).requiredFlag("--data");
    ManifestNode mount = mountCovering(main, data);
    List<String> claims = registry.at("spec.volumeClaimTemplates").items().stream()
        .map(t -> t.at("metadata.name").text()).toList();
    mount.check(claims.contains(mount.at("name").text()), "mounts " + data
        + " (the --data) from '" + mount.at("name").text() + "', which is not one of the "
        + "volumeClaimTemplates " + claims);
    ManifestNode template = registry.at("spec.volumeClaimTemplates").items().stream()
        .filter(t -> t.at("metadata.name").text().equals(mount.at("name").text()))
        .findFirst().orElseThrow();
    template.at("spec.resources.requests.storage").text();
    template.at("spec.accessModes").check(values(template.at("spec.accessModes"))
        .contains("ReadWriteOnce"), "must include ReadWriteOnce");
    ManifestNode headless = k8s.find("Service", "weightcast",
        registry.at("spec.serviceName").text());
    headless.at("spec.clusterIP").check("None".equals(headless.at("spec.clusterIP")
        .textOrNull()), "must be None: it is the StatefulSet's governing (headless) Service");
  }

  @Test
  void registryReplicasFindEachOtherOnTheHeadlessServiceClusterPort() {
    ManifestNode registry = k8s.workload("registry");
    ManifestNode main = mainContainer(registry);
    registry.at("spec.replicas").check(Integer.parseInt(registry.at("spec.replicas").text()) >= 2,
        "must be >= 2: the log survives the loss of one registry only with a second one");
    LaunchLine line = LaunchLine.of(main);
    int clusterPort = Integer.parseInt(line.requiredFlag("--cluster-port"));
    boolean declared = main.at("ports").items().stream()
        .anyMatch(p -> p.at("containerPort").text().equals(Integer.toString(clusterPort)));
    main.at("ports").check(declared, "must declare the --cluster-port " + clusterPort);
    String headlessName = registry.at("spec.serviceName").text();
    String namespace = registry.at("metadata.namespace").text();
    String dns = line.requiredFlag("--cluster-k8s-service-dns");
    main.check(dns.startsWith(headlessName + "." + namespace + ".svc"),
        "--cluster-k8s-service-dns must name the headless Service " + headlessName + "."
            + namespace + ".svc, is " + dns);
    ManifestNode headless = k8s.find("Service", namespace, headlessName);
    boolean reaches = headless.at("spec.ports").items().stream()
        .anyMatch(p -> p.at("port").text().equals(Integer.toString(clusterPort))
            && K8sManifests.resolvePort(main, p.at("targetPort").exists() ? p.at("targetPort")
                : p.at("port")) == clusterPort);
    headless.at("spec.ports").check(reaches, "has no port reaching the --cluster-port "
        + clusterPort);
    headless.at("spec.publishNotReadyAddresses").check("true".equals(
        headless.at("spec.publishNotReadyAddresses").textOrNull()),
        "must be true: members must find each other before they are ready");
  }

  @Test
  void distributorJoinsTheRegistriesHazelcastCluster() {
    LaunchLine registry = LaunchLine.of(mainContainer(k8s.workload("registry")));
    ManifestNode main = mainContainer(k8s.workload("distributor"));
    LaunchLine distributor = LaunchLine.of(main);
    for (String flag : List.of("--cluster-k8s-service-dns", "--cluster-port")) {
      String expected = registry.requiredFlag(flag);
      main.check(expected.equals(distributor.flag(flag).orElse(null)), "must pass " + flag + " "
          + expected + " as the registry does (one Hazelcast cluster), passes "
          + distributor.flag(flag).orElse("nothing"));
    }
    main.check(registry.flag("--cluster-name").equals(distributor.flag("--cluster-name")),
        "must use the registry's --cluster-name");
    main.check(distributor.flag("--cluster-host").map(h -> h.equals("$(POD_IP)")).orElse(false),
        "--cluster-host must be $(POD_IP): the other members connect to the pod's address");
    String port = distributor.requiredFlag("--cluster-port");
    main.at("ports").check(main.at("ports").items().stream()
        .anyMatch(p -> p.at("containerPort").text().equals(port)),
        "must declare the --cluster-port " + port);
  }

  @Test
  void distributorKeepsChunksOnAClaimDeclaredHere() {
    ManifestNode distributor = k8s.workload("distributor");
    ManifestNode main = mainContainer(distributor);
    String data = LaunchLine.of(main).requiredFlag("--data");
    ManifestNode volume = distributor.at("spec.template.spec.volumes")
        .named(mountCovering(main, data).at("name").text());
    if (volume.at("emptyDir").exists()) {
      return;
    }
    ManifestNode claim = volume.at("persistentVolumeClaim.claimName");
    claim.check(claim.exists(), "the chunk store at " + data + " must be a PVC or an emptyDir");
    k8s.find("PersistentVolumeClaim", "weightcast", claim.text());
  }

  @Test
  void distributorAdvertisesItsPodIpFromTheDownwardApi() {
    ManifestNode main = mainContainer(k8s.workload("distributor"));
    LaunchLine line = LaunchLine.of(main);
    String expected = "http://$(POD_IP):" + line.requiredFlag("--port");
    main.at("args").check(expected.equals(line.requiredFlag("--advertise")),
        "--advertise must be " + expected + ", is " + line.requiredFlag("--advertise"));
    fieldRef(main, "POD_IP", "status.podIP");
  }

  @Test
  void distributorAndAgentDialTheRegistryService() {
    ManifestNode registryMain = mainContainer(k8s.workload("registry"));
    int registryPort = Integer.parseInt(LaunchLine.of(registryMain).requiredFlag("--port"));
    for (String role : List.of("distributor", "agent")) {
      ManifestNode main = mainContainer(k8s.workload(role));
      String address = LaunchLine.of(main).requiredFlag("--registry");
      String[] hostPort = address.split(":");
      String[] dns = hostPort[0].split("\\.");
      main.check(hostPort.length == 2 && dns.length >= 3 && dns[2].equals("svc"),
          "--registry must be SERVICE.NAMESPACE.svc:PORT, is " + address);
      ManifestNode service = k8s.find("Service", dns[1], dns[0]);
      service.at("spec.clusterIP").check(!"None".equals(service.at("spec.clusterIP")
          .textOrNull()), "is headless; " + role + " --registry " + address + " needs a ClusterIP");
      boolean reaches = service.at("spec.ports").items().stream()
          .filter(p -> p.at("port").text().equals(hostPort[1]))
          .anyMatch(p -> K8sManifests.resolvePort(registryMain,
              p.at("targetPort").exists() ? p.at("targetPort") : p.at("port")) == registryPort);
      service.at("spec.ports").check(reaches, "has no port " + hostPort[1] + " reaching the "
          + "registry's --port " + registryPort + " (dialled by " + role + ")");
    }
  }

  @Test
  void agentKeepsItsDataDirOnTheHostAtTheSamePath() {
    ManifestNode agent = k8s.workload("agent");
    ManifestNode main = mainContainer(agent);
    String data = LaunchLine.of(main).requiredFlag("--data");
    ManifestNode mount = mountCovering(main, data);
    mount.at("mountPath").check(data.equals(mount.at("mountPath").text()),
        "must be exactly the --data " + data);
    ManifestNode volume = agent.at("spec.template.spec.volumes").named(mount.at("name").text());
    ManifestNode hostPath = volume.at("hostPath");
    hostPath.at("path").check(data.equals(hostPath.at("path").textOrNull()),
        "must be " + data + ": the GPU loader on the host reads models/MODEL/current there");
    hostPath.at("type").check("DirectoryOrCreate".equals(hostPath.at("type").textOrNull()),
        "must be DirectoryOrCreate");
  }

  @Test
  void agentServesPeersOnItsHostPortAtItsPodIp() {
    ManifestNode agent = k8s.workload("agent");
    ManifestNode main = mainContainer(agent);
    LaunchLine line = LaunchLine.of(main);
    String port = line.requiredFlag("--port");
    boolean hostNetwork = "true".equals(agent.at("spec.template.spec.hostNetwork").textOrNull());
    main.at("ports").check(hostNetwork || main.at("ports").items().stream().anyMatch(
        p -> port.equals(p.at("containerPort").text()) && port.equals(p.at("hostPort")
            .textOrNull())), "must publish --port " + port + " as hostPort (or use hostNetwork)");
    // The agent reports http://<bind host>:<port> to peers; 0.0.0.0 would report its hostname.
    main.at("args").check(line.requiredFlag("--host").matches("\\$\\(?\\{?POD_IP[)}]?"),
        "--host must be the pod IP (the agent reports it as its serving address), is "
            + line.requiredFlag("--host"));
    fieldRef(main, "POD_IP", "status.podIP");
  }

  @Test
  void agentTakesNodeIdFromNodeNameAndTopologyFromItsNodeLabels() {
    ManifestNode agent = k8s.workload("agent");
    ManifestNode main = mainContainer(agent);
    fieldRef(main, "WEIGHTCAST_NODE_ID", "spec.nodeName");
    LaunchLine line = LaunchLine.of(main);
    int dot = line.tokens().indexOf(".");
    main.at("args").check(line.script() && dot >= 0 && dot + 1 < line.tokens().size(),
        "must source the topology env file (. FILE) before starting java");
    String envFile = line.tokens().get(dot + 1).replace(";", "");
    ManifestNode mount = mountCovering(main, envFile);
    ManifestNode init = agent.at("spec.template.spec.initContainers").named("topology");
    init.at("volumeMounts").check(init.at("volumeMounts").items().stream()
        .anyMatch(m -> m.at("name").text().equals(mount.at("name").text())),
        "must mount volume '" + mount.at("name").text() + "' to write " + envFile);
    String script = String.join(" ", init.at("args").items().stream().map(ManifestNode::text)
        .toList());
    for (String needed : List.of(Path.of(envFile).getFileName().toString(), "WEIGHTCAST_ZONE",
        "WEIGHTCAST_RACK", "/api/v1/nodes/")) {
      init.at("args").check(script.contains(needed), "must mention " + needed);
    }
    init.at("env").named("ZONE_LABEL").at("value").check("topology.kubernetes.io/zone".equals(
        init.at("env").named("ZONE_LABEL").at("value").textOrNull()),
        "must be topology.kubernetes.io/zone");
    fieldRef(init, "NODE_NAME", "spec.nodeName");
    assertServiceAccountMayGetNodes(agent.at("spec.template.spec.serviceAccountName").text());
  }

  @Test
  void agentHeapIsCappedAt512m() {
    ManifestNode env = mainContainer(k8s.workload("agent")).at("env").named("JAVA_TOOL_OPTIONS");
    env.at("value").check(List.of(env.at("value").text().split("\\s+")).contains("-Xmx512m"),
        "must contain -Xmx512m");
  }

  @Test
  void agentShellWrapperLaunchesJavaExactlyLikeTheImageEntrypoint() {
    ManifestNode main = mainContainer(k8s.workload("agent"));
    List<String> before = LaunchLine.of(main).beforeRole();
    List<String> entry = dockerfile.entrypoint();
    int java = before.indexOf("java");
    main.at("args").check(java >= 0 && before.subList(java, before.size()).equals(entry),
        "overrides the image ENTRYPOINT, so it must run " + entry + " before the role, runs "
            + before);
  }

  /** The mount whose mountPath is path or an ancestor of it, the deepest one. */
  private static ManifestNode mountCovering(ManifestNode container, String path) {
    Path target = Path.of(path);
    return container.at("volumeMounts").items().stream()
        .filter(m -> target.startsWith(Path.of(m.at("mountPath").text())))
        .max((a, b) -> Integer.compare(a.at("mountPath").text().length(),
            b.at("mountPath").text().length()))
        .orElseThrow(() -> container.at("volumeMounts").fail("mounts nothing at " + path));
  }

  private static void fieldRef(ManifestNode container, String env, String fieldPath) {
    ManifestNode ref = container.at("env").named(env).at("valueFrom.fieldRef.fieldPath");
    ref.check(fieldPath.equals(ref.textOrNull()), "must be " + fieldPath);
  }

  private void assertServiceAccountMayGetNodes(String account) {
    k8s.find("ServiceAccount", "weightcast", account);
    boolean granted = k8s.ofKind("ClusterRoleBinding").stream()
        .filter(b -> b.at("subjects").items().stream().anyMatch(
            s -> "ServiceAccount".equals(s.at("kind").textOrNull())
                && account.equals(s.at("name").textOrNull())
                && "weightcast".equals(s.at("namespace").textOrNull())))
        .map(b -> k8s.find("ClusterRole", null, b.at("roleRef.name").text()))
        .flatMap(role -> role.at("rules").items().stream())
        .anyMatch(rule -> values(rule.at("resources")).contains("nodes")
            && values(rule.at("verbs")).contains("get")
            && values(rule.at("apiGroups")).contains(""));
    if (!granted) {
      throw new AssertionError(k8s.dir() + ": no ClusterRoleBinding grants ServiceAccount "
          + "weightcast/" + account + " `get` on nodes (the topology init container needs it)");
    }
  }

  private static List<String> values(ManifestNode list) {
    return list.items().stream().map(ManifestNode::text).toList();
  }
}
