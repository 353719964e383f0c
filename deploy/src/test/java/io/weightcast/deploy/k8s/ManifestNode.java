package io.weightcast.deploy.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value in a parsed YAML document, with where it came from: the document ({@code source},
 * e.g. {@code agent-daemonset.yaml#0 DaemonSet/weightcast-agent}) and the field path inside it
 * ({@code spec.template.spec.containers[0].ports}). Every assertion failure built from a node
 * names both.
 *
 * @param source the file, document index and kind/name
 * @param path dotted field path, with list indexes
 * @param value what snakeyaml produced: a Map, List, String, Integer, Boolean, or null if absent
 */
record ManifestNode(String source, String path, Object value) {

  /** The node at a dotted path below this one; absent fields give a node whose value is null. */
  ManifestNode at(String dottedPath) {
    ManifestNode node = this;
    for (String key : dottedPath.split("\\.")) {
      Object child = node.value instanceof Map<?, ?> map ? map.get(key) : null;
      node = new ManifestNode(source, node.path.isEmpty() ? key : node.path + "." + key, child);
    }
    return node;
  }

  boolean exists() {
    return value != null;
  }

  /** The list elements; an absent field is an empty list. */
  List<ManifestNode> items() {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw fail("is not a list: " + value);
    }
    List<ManifestNode> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(new ManifestNode(source, path + "[" + i + "]", list.get(i)));
    }
    return out;
  }

  /** The scalar as text (numbers and booleans too); fails if absent or not a scalar. */
  String text() {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw fail(value == null ? "is missing" : "is not a scalar: " + value);
  }

  /** The scalar as text, or null if absent. */
  String textOrNull() {
    return value == null ? null : text();
  }

  /** A map of scalars (labels, selectors) as strings; an absent field is an empty map. */
  Map<String, String> stringMap() {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw fail("is not a map: " + value);
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    return out;
  }

  /** The element of a list of maps whose {@code name} field equals {@code name}. */
  ManifestNode named(String name) {
    return items().stream().filter(n -> name.equals(n.at("name").textOrNull())).findFirst()
        .orElseThrow(() -> fail("has no entry named '" + name + "'"));
  }

  /** An assertion failure naming this node's document and field. */
  AssertionError fail(String message) {
    return new AssertionError(source + ": " + (path.isEmpty() ? "(document)" : path) + " "
        + message);
  }

  /** Fails unless the condition holds. */
  void check(boolean condition, String message) {
    if (!condition) {
      throw fail(message);
    }
  }
}
