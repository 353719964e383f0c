package io.weightcast.deploy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Dockerfile instructions the tests read. Continuation lines are joined and comments
 * dropped; ENTRYPOINT must be in exec (JSON array) form to be read as a list.
 *
 * @param froms the image of each FROM, in order (the last is the runtime stage)
 * @param entrypoint the exec-form ENTRYPOINT words, empty if absent or in shell form
 * @param users the argument of each USER
 * @param copies the arguments of each COPY
 */
record DockerfileSpec(List<String> froms, List<String> entrypoint, List<String> users,
    List<String> copies) {
  private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  static DockerfileSpec load(Path file) throws IOException {
    List<String> froms = new ArrayList<>();
    List<String> entrypoint = new ArrayList<>();
    List<String> users = new ArrayList<>();
    List<String> copies = new ArrayList<>();
    for (String line : instructions(Files.readAllLines(file))) {
      String[] parts = line.split("\\s+", 2);
      String argument = parts.length > 1 ? parts[1].trim() : "";
      switch (parts[0].toUpperCase()) {
        case "FROM" -> froms.add(argument.split("\\s+")[0]);
        case "USER" -> users.add(argument);
        case "COPY" -> copies.add(argument);
        case "ENTRYPOINT" -> {
          entrypoint.clear();
          if (argument.startsWith("[")) {
            Matcher m = JSON_STRING.matcher(argument);
            while (m.find()) {
              entrypoint.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
          }
        }
        default -> { }
      }
    }
    return new DockerfileSpec(List.copyOf(froms), List.copyOf(entrypoint), List.copyOf(users),
        List.copyOf(copies));
  }

  /** Joins backslash-continued lines; drops comments and blank lines. */
  private static List<String> instructions(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      out.add(current.append(line).toString().strip());
      current.setLength(0);
    }
    if (!current.isEmpty()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
