package io.weightcast.deploy.cli;

import io.weightcast.agent.local.ModelStatus;
import java.util.Optional;

/**
 * How {@code wait} and {@code path} end: the exit code and what they print (the path on success,
 * the reason otherwise). Exit codes: 0 active, 1 none active ({@code path}), 3 timed out, 4 the
 * version failed on this host, 5 the model is unknown to the registry or not served by the agent.
 */
record WaitOutcome(int exitCode, String text) {
  static final int ACTIVE = 0;
  static final int NONE = 1;
  static final int TIMED_OUT = 3;
  static final int FAILED = 4;
  static final int UNKNOWN = 5;

  /** Pure: whether {@code s} ends a wait for {@code version} (null: any version). */
  static Optional<WaitOutcome> decide(ModelStatus s, String version) {
    if (s.active() && (version == null || version.equals(s.version()))) {
      return Optional.of(new WaitOutcome(ACTIVE, s.path()));
    }
    if (s.failed(version)) {
      return Optional.of(new WaitOutcome(FAILED, s.model() + " " + s.latestVersion()
          + " failed on this host: " + s.lastError()));
    }
    return Optional.empty();
  }

  /** One line on what was last seen, for the timeout message. */
  static String describe(ModelStatus s) {
    String active = s.active() ? "active " + s.version() : "none active";
    return s.latestVersion().isEmpty() ? active
        : active + ", latest " + s.latestVersion() + " " + s.latestState();
  }
}
