package io.weightcast.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/examples/inference-deployment.yaml: a model server whose init container runs
 * {@code weightcast wait} against the agent's data, mounted read-only from the agent's hostPath.
 */
class InferenceExampleManifestTest {
  private static ManifestNode deployment;
  private static ManifestNode agent;

  @BeforeAll
  static void load() throws IOException {
    K8sManifests k8s = K8sManifests.load();
    agent = k8s.workload("agent");
    List<ManifestNode> docs = K8sManifests.loadFile(k8s.dir().resolve(K8sManifests.EXAMPLES)
        .resolve("inference-deployment.yaml"));
    assertEquals(1, docs.size(), "one object expected");
    deployment = docs.get(0);
  }

  @Test
  void isADeploymentWhoseSelectorMatchesItsPods() {
    assertEquals("Deployment", deployment.at("kind").text());
    deployment.at("spec.selector.matchLabels").stringMap().forEach((k, v) ->
        deployment.at("spec.template.metadata.labels").check(v.equals(
            deployment.at("spec.template.metadata.labels").stringMap().get(k)),
            "must carry selector label " + k));
  }

  @Test
  void initContainerRunsWeightcastWaitWithTheAgentsImage() {
    ManifestNode init = waitContainer();
    String agentImage = K8sManifests.mainContainer(agent).at("image").text();
    init.at("image").check(agentImage.equals(init.at("image").text()),
        "must be the agent's image " + agentImage);
    List<String> args = init.at("args").items().stream().map(ManifestNode::text).toList();
    init.at("args").check(args.size() >= 2 && args.get(0).equals("wait")
        && args.get(1).matches("[A-Za-z0-9._-]+"), "must start with: wait MODEL, is " + args);
    init.at("args").check(args.contains("--data") || args.contains("--agent"),
        "must name --data or --agent: " + args);
    init.at("args").check(args.contains("--timeout"), "must bound the wait with --timeout");
    init.at("command").check(!init.at("command").exists(),
        "must keep the image's ENTRYPOINT (java -jar weightcast.jar)");
  }

  @Test
  void theAgentsHostPathIsMountedReadOnlyAtTheAgentsDataPath() {
    ManifestNode init = waitContainer();
    List<String> args = init.at("args").items().stream().map(ManifestNode::text).toList();
    String data = args.get(args.indexOf("--data") + 1);
    ManifestNode agentMain = K8sManifests.mainContainer(agent);
    String agentData = LaunchLine.of(agentMain).requiredFlag("--data");
    assertEquals(agentData, data, "wait --data must be where the agent keeps its data");
    String agentHostPath = agent.at("spec.template.spec.volumes").named(mountAt(agentMain,
        agentData).at("name").text()).at("hostPath.path").text();
    for (ManifestNode c : List.of(init, deployment.at("spec.template.spec.containers")
        .named("model-server"))) {
      ManifestNode mount = mountAt(c, data);
      mount.at("readOnly").check("true".equals(mount.at("readOnly").textOrNull()),
          "must be readOnly: the agent is the only writer");
      ManifestNode volume = deployment.at("spec.template.spec.volumes")
          .named(mount.at("name").text());
      volume.at("hostPath.path").check(agentHostPath.equals(volume.at("hostPath.path")
          .textOrNull()), "must be the agent DaemonSet's hostPath " + agentHostPath);
    }
  }

  @Test
  void modelServerLoadsThroughTheCurrentLink() {
    ManifestNode server = deployment.at("spec.template.spec.containers").named("model-server");
    List<String> args = server.at("args").items().stream().map(ManifestNode::text).toList();
    String model = waitContainer().at("args").items().get(1).text();
    assertTrue(args.contains("/var/lib/weightcast/models/" + model + "/current"),
        "model server must open DATA/models/" + model + "/current: " + args);
  }

  private static ManifestNode waitContainer() {
    return deployment.at("spec.template.spec.initContainers").named("wait-for-model");
  }

  private static ManifestNode mountAt(ManifestNode container, String path) {
    return container.at("volumeMounts").items().stream()
        .filter(m -> Path.of(m.at("mountPath").text()).equals(Path.of(path)))
        .findFirst()
        .orElseThrow(() -> container.at("volumeMounts").fail("mounts nothing at " + path));
  }
}
