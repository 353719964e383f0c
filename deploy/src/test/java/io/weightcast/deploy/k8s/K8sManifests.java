package io.weightcast.deploy.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every YAML document under {@code deploy/k8s}, parsed once, with the lookups the manifest tests
 * share. {@code kustomization.yaml} is kept apart: it is not a Kubernetes object.
 *
 * @param dir the k8s directory
 * @param documents every object, in file order
 * @param kustomization the kustomization file's single document
 */
record K8sManifests(Path dir, List<ManifestNode> documents, ManifestNode kustomization) {
  static final String KUSTOMIZATION = "kustomization.yaml";
  static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet");
  static final String NAME_LABEL = "app.kubernetes.io/name";
  static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  /** Finds deploy/k8s from the module directory (Maven's working dir) or the repository root. */
  static Path locate(String child) {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate : List.of(here.resolve(child), here.resolve("deploy").resolve(child))) {
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("no " + child + " under " + here + " or " + here.resolve("deploy"));
  }

  static K8sManifests load() throws IOException {
    Path dir = locate("k8s");
    List<ManifestNode> documents = new ArrayList<>();
    ManifestNode kustomization = null;
    for (Path file : yamlFiles(dir)) {
      List<Object> parsed = parse(file);
      String relative = dir.relativize(file).toString();
      if (relative.equals(KUSTOMIZATION)) {
        kustomization = new ManifestNode(relative, "", parsed.isEmpty() ? null : parsed.get(0));
        continue;
      }
      for (int i = 0; i < parsed.size(); i++) {
        if (parsed.get(i) != null) {
          documents.add(document(relative + "#" + i, parsed.get(i)));
        }
      }
    }
    if (kustomization == null) {
      throw new AssertionError(dir + " has no " + KUSTOMIZATION);
    }
    return new K8sManifests(dir, List.copyOf(documents), kustomization);
  }

  /** Examples for users, outside the kustomization; checked by InferenceExampleManifestTest. */
  static final String EXAMPLES = "examples";

  /** Every *.yaml and *.yml under dir but examples/, sorted, kustomization.yaml included. */
  static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> !dir.relativize(f).startsWith(EXAMPLES))
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }

  /** The Kubernetes objects of one file. */
  static List<ManifestNode> loadFile(Path file) throws IOException {
    List<ManifestNode> out = new ArrayList<>();
    List<Object> parsed = parse(file);
    for (int i = 0; i < parsed.size(); i++) {
      if (parsed.get(i) != null) {
        out.add(document(file.getFileName() + "#" + i, parsed.get(i)));
      }
    }
    return out;
  }

  private static List<Object> parse(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Object> out = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      yaml.loadAll(reader).forEach(out::add);
    } catch (RuntimeException e) {
      throw new AssertionError(file.getFileName() + " is not valid YAML: " + e.getMessage(), e);
    }
    return out;
  }

  private static ManifestNode document(String where, Object root) {
    ManifestNode bare = new ManifestNode(where, "", root);
    bare.check(root instanceof Map<?, ?>, "is not a mapping");
    return new ManifestNode(where + " " + bare.at("kind").textOrNull() + "/"
        + bare.at("metadata.name").textOrNull(), "", root);
  }

  List<ManifestNode> ofKind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.at("kind").textOrNull())).toList();
  }

  List<ManifestNode> workloads() {
    return documents.stream().filter(d -> WORKLOAD_KINDS.contains(d.at("kind").textOrNull()))
        .toList();
  }

  /** The one workload labelled with this component. */
  ManifestNode workload(String component) {
    List<ManifestNode> found = workloads().stream()
        .filter(w -> component.equals(w.at("metadata.labels").stringMap().get(COMPONENT_LABEL)))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError(dir + ": expected one workload with " + COMPONENT_LABEL + "="
          + component + ", found " + found.stream().map(ManifestNode::source).toList());
    }
    return found.get(0);
  }

  /** The object of this kind and name in this namespace (null namespace: cluster-scoped). */
  ManifestNode find(String kind, String namespace, String name) {
    return ofKind(kind).stream()
        .filter(d -> name.equals(d.at("metadata.name").textOrNull()))
        .filter(d -> namespace == null
            || namespace.equals(d.at("metadata.namespace").textOrNull()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(dir + ": no " + kind + " " + name
            + (namespace == null ? "" : " in namespace " + namespace)));
  }

  /** The container named after the workload's component (registry, distributor, agent). */
  static ManifestNode mainContainer(ManifestNode workload) {
    String component = workload.at("metadata.labels").stringMap().get(COMPONENT_LABEL);
    return workload.at("spec.template.spec.containers").named(component);
  }

  static Map<String, String> podLabels(ManifestNode workload) {
    return workload.at("spec.template.metadata.labels").stringMap();
  }

  /** A port reference (a number, or the name of a declared container port) as a number. */
  static int resolvePort(ManifestNode container, ManifestNode reference) {
    String ref = reference.text();
    if (ref.matches("\\d+")) {
      return Integer.parseInt(ref);
    }
    return container.at("ports").items().stream()
        .filter(p -> ref.equals(p.at("name").textOrNull()))
        .map(p -> Integer.parseInt(p.at("containerPort").text()))
        .findFirst()
        .orElseThrow(() -> reference.fail("names port '" + ref + "', which "
            + container.source() + " " + container.path() + " does not declare"));
  }
}
