package io.weightcast.protocol;

import io.weightcast.protocol.failure.InvalidManifest;
import java.util.regex.Pattern;

/** Rules for model names, version names and relative file paths (protocol/README.md). */
public final class Names {
  /** Model and version names: 1-128 of [A-Za-z0-9._-], not '.' or '..'. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** The name of the symlink that points at the active version; no version may take it. */
  public static final String CURRENT = "current";
  public static final int MAX_PATH_LENGTH = 1024;
  /** Longest segment (file or directory name) in UTF-8 bytes: Linux's NAME_MAX. */
  public static final int MAX_SEGMENT_BYTES = 255;

  private Names() {}

  public static String requireModel(String model) {
    return requireName("model", model);
  }

  public static String requireVersion(String version) {
    requireName("version", version);
    if (version.equals(CURRENT) || version.startsWith(".")) {
      throw new InvalidManifest("version must not be '" + CURRENT + "' or start with '.': '"
          + version + "'");
    }
    return version;
  }

  private static String requireName(String field, String value) {
    if (value == null || !NAME.matcher(value).matches() || value.equals(".")
        || value.equals("..")) {
      throw new InvalidManifest(field + " must be 1-128 characters of [A-Za-z0-9._-] and not '.'"
          + " or '..': '" + value + "'");
    }
    return value;
  }

  /**
   * A relative path with '/' separators: not empty, not absolute, no empty, '.' or '..'
   * segment, no backslash, no control character, at most {@link #MAX_PATH_LENGTH} characters and
   * each segment at most {@link #MAX_SEGMENT_BYTES} bytes in UTF-8 (longer names cannot be
   * created on the agents' filesystems, so such a version could never land).
   */
  public static String requireRelativePath(String path) {
    if (path == null || path.isEmpty()) {
      throw new InvalidManifest("file path must not be empty");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidManifest("file path longer than " + MAX_PATH_LENGTH + " characters: '"
          + path.substring(0, 64) + "...'");
    }
    if (path.startsWith("/")) {
      throw new InvalidManifest("file path must be relative: '" + path + "'");
    }
    if (path.indexOf('\\') >= 0) {
      throw new InvalidManifest("file path must use '/' separators: '" + path + "'");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidManifest("file path contains a control character: '"
            + path.replaceAll("\\p{Cntrl}", "?") + "'");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidManifest("file path must not contain empty, '.' or '..' segments: '"
            + path + "'");
      }
      int bytes = segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > MAX_SEGMENT_BYTES) {
        throw new InvalidManifest("file path segment longer than " + MAX_SEGMENT_BYTES
            + " bytes (" + bytes + "): '" + segment.substring(0, 64) + "...'");
      }
    }
    return path;
  }
}
