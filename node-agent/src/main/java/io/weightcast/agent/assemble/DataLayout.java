package io.weightcast.agent.assemble;

import io.weightcast.protocol.Names;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the agent keeps model versions under its data dir {@code DATA}:
 *
 * <pre>
 * DATA/models/MODEL/VERSION/...        published versions, immutable once there
 * DATA/models/MODEL/current -> VERSION relative symlink to the active version
 * DATA/staging/MODEL/VERSION/...       files being assembled (same filesystem as models/,
 *                                      so the publish rename is atomic)
 * DATA/staging/MODEL/.VERSION.journal  write-ahead journal of the staged version
 * </pre>
 *
 * Names starting with '.' can never be versions ({@link Names#requireVersion}), so journals,
 * temporary links and directories being deleted never collide with a version. Immutable.
 */
public record DataLayout(Path dataDir) {
  static final String MODELS = "models";
  static final String STAGING = "staging";
  static final String JOURNAL_SUFFIX = ".journal";

  public DataLayout {
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
  }

  public Path modelsDir() {
    return dataDir.resolve(MODELS);
  }

  public Path stagingRoot() {
    return dataDir.resolve(STAGING);
  }

  /** {@code DATA/models/MODEL}: the published versions of a model and its {@code current} link. */
  public Path modelDir(String model) {
    return modelsDir().resolve(Names.requireModel(model));
  }

  /** {@code DATA/models/MODEL/VERSION}: exists only once the version is complete and verified. */
  public Path versionDir(String model, String version) {
    return modelDir(model).resolve(Names.requireVersion(version));
  }

  public Path currentLink(String model) {
    return modelDir(model).resolve(Names.CURRENT);
  }

  /** {@code DATA/staging/MODEL}: staging dirs and journals of a model's versions in progress. */
  public Path stagingModelDir(String model) {
    return stagingRoot().resolve(Names.requireModel(model));
  }

  public Path stagingDir(String model, String version) {
    return stagingModelDir(model).resolve(Names.requireVersion(version));
  }

  /** Next to the staging dir, not in it, so the publish rename never carries it along. */
  public Path journal(String model, String version) {
    return stagingModelDir(model).resolve("." + Names.requireVersion(version) + JOURNAL_SUFFIX);
  }
}
