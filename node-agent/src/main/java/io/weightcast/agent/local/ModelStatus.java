package io.weightcast.agent.local;

import io.vertx.core.json.JsonObject;
import io.weightcast.agent.assemble.WarmReport;
import io.weightcast.protocol.Names;
import java.time.Instant;
import java.util.Objects;

/**
 * What the loader on this host needs to know about one model: the active version (where
 * {@code current} points), and the state of the newest version the agent has worked on. The JSON
 * form is both the local API's body and the persisted {@code DATA/state/local/MODEL.json}.
 *
 * @param model the model name
 * @param version the active version, "" when none is active
 * @param path absolute path of the active version's directory, "" when none; always
 *     {@code DATA/models/MODEL/VERSION} of validated names, never outside the data directory
 * @param manifestDigest SHA-256 of the active version's canonical manifest ("" if not known)
 * @param activatedAtMs when {@code current} moved to it (epoch ms, 0 if not known)
 * @param latestVersion the newest version worked on, "" when none
 * @param latestState its state (QUEUED, FETCHING, VERIFYING, ACTIVE, FAILED), "" when none
 * @param lastError why the latest version failed, "" otherwise
 * @param warm what warm-up did for the active version, null if not known
 */
public record ModelStatus(String model, String version, String path, String manifestDigest,
    long activatedAtMs, String latestVersion, String latestState, String lastError,
    WarmReport warm) {
  public static final String FAILED = "FAILED";

  public ModelStatus {
    Names.requireModel(model);
    version = version == null ? "" : version;
    path = path == null ? "" : path;
    manifestDigest = manifestDigest == null ? "" : manifestDigest;
    latestVersion = latestVersion == null ? "" : latestVersion;
    latestState = latestState == null ? "" : latestState;
    lastError = lastError == null ? "" : lastError;
    if (!version.isEmpty()) {
      Names.requireVersion(version);
    }
    if (version.isEmpty() != path.isEmpty()) {
      throw new IllegalArgumentException("version and path must both be set or both be empty");
    }
  }

  /** A model this host has no version of yet. */
  public static ModelStatus pending(String model) {
    return new ModelStatus(model, "", "", "", 0, "", "", "", null);
  }

  public boolean active() {
    return !version.isEmpty();
  }

  /** Whether {@code wanted} (or, when null, the newest version) failed on this host. */
  public boolean failed(String wanted) {
    if (!latestState.equals(FAILED)) {
      return false;
    }
    return wanted == null ? !active() : wanted.equals(latestVersion);
  }

  public ModelStatus withLatest(String v, String state, String error) {
    return new ModelStatus(model, version, path, manifestDigest, activatedAtMs, v, state, error,
        warm);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("model", model)
        .put("version", version.isEmpty() ? null : version)
        .put("path", path.isEmpty() ? null : path)
        .put("manifestDigest", manifestDigest.isEmpty() ? null : manifestDigest)
        .put("activatedAtMs", activatedAtMs)
        .put("activatedAt", activatedAtMs == 0 ? null : Instant.ofEpochMilli(activatedAtMs)
            .toString())
        .put("latestVersion", latestVersion.isEmpty() ? null : latestVersion)
        .put("latestState", latestState.isEmpty() ? null : latestState)
        .put("lastError", lastError.isEmpty() ? null : lastError);
    if (warm != null) {
      j.put("warm", new JsonObject().put("totalBytes", warm.totalBytes())
          .put("warmedBytes", warm.warmedBytes()).put("lockedBytes", warm.lockedBytes())
          .put("lockBudgetBytes", warm.lockBudgetBytes()).put("millis", warm.millis())
          .put("note", warm.note()));
    }
    return j;
  }

  /** Reads {@link #toJson()}; fails with IllegalArgumentException on a malformed document. */
  public static ModelStatus fromJson(JsonObject j) {
    Objects.requireNonNull(j, "json");
    try {
      JsonObject w = j.getJsonObject("warm");
      WarmReport warm = w == null ? null : new WarmReport(w.getLong("totalBytes", 0L),
          w.getLong("warmedBytes", 0L), w.getLong("lockedBytes", 0L),
          w.getLong("lockBudgetBytes", 0L), w.getLong("millis", 0L), w.getString("note", ""));
      return new ModelStatus(j.getString("model"), j.getString("version"), j.getString("path"),
          j.getString("manifestDigest"), j.getLong("activatedAtMs", 0L),
          j.getString("latestVersion"), j.getString("latestState"), j.getString("lastError"),
          warm);
    } catch (ClassCastException | io.weightcast.protocol.failure.InvalidManifest e) {
      throw new IllegalArgumentException("malformed model status: " + e.getMessage(), e);
    }
  }
}
