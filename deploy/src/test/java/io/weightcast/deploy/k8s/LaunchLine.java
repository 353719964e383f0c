package io.weightcast.deploy.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line a container runs, as tokens, so tests can read {@code --port} and friends.
 *
 * <p>Two shapes are understood: {@code args} only (the image's ENTRYPOINT runs, the args start
 * with the role), and {@code command: [/bin/sh, -c]} with a script in {@code args}; a script is
 * split on whitespace after joining backslash-continued lines, and quotes around a token are
 * dropped. That is enough for the manifests here, not a shell parser.
 *
 * @param container the container node, for failure messages
 * @param tokens the command line, words in order
 * @param script whether the tokens come from a shell script
 */
record LaunchLine(ManifestNode container, List<String> tokens, boolean script) {
  static final Set<String> ROLES = Set.of("registry", "distributor", "agent");

  static LaunchLine of(ManifestNode container) {
    List<String> command = container.at("command").items().stream().map(ManifestNode::text)
        .toList();
    List<String> args = container.at("args").items().stream().map(ManifestNode::text).toList();
    List<String> all = new ArrayList<>(command);
    all.addAll(args);
    boolean shell = all.size() >= 3 && all.get(0).endsWith("sh") && all.get(1).equals("-c");
    if (!shell) {
      return new LaunchLine(container, List.copyOf(all), false);
    }
    List<String> words = new ArrayList<>();
    for (String word : all.get(2).replace("\\\n", " ").trim().split("\\s+")) {
      words.add(unquote(word));
    }
    return new LaunchLine(container, List.copyOf(words), true);
  }

  private static String unquote(String word) {
    boolean quoted = word.length() >= 2 && (word.startsWith("\"") && word.endsWith("\"")
        || word.startsWith("'") && word.endsWith("'"));
    return quoted ? word.substring(1, word.length() - 1) : word;
  }

  /** The first token naming a Weightcast role. */
  String role() {
    return tokens.stream().filter(ROLES::contains).findFirst()
        .orElseThrow(() -> container.fail("launch line names no role " + ROLES + ": " + tokens));
  }

  /** The tokens before the role: in a script, the java launch line. */
  List<String> beforeRole() {
    return tokens.subList(0, tokens.indexOf(role()));
  }

  /** The value of {@code --name value} or {@code --name=value} after the role. */
  Optional<String> flag(String name) {
    List<String> afterRole = tokens.subList(tokens.indexOf(role()) + 1, tokens.size());
    for (int i = 0; i < afterRole.size(); i++) {
      String token = afterRole.get(i);
      if (token.equals(name) && i + 1 < afterRole.size()) {
        return Optional.of(afterRole.get(i + 1));
      }
      if (token.startsWith(name + "=")) {
        return Optional.of(token.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** The value of a flag that must be present. */
  String requiredFlag(String name) {
    return flag(name).orElseThrow(() -> container.fail("launch line has no " + name + ": "
        + tokens));
  }
}
