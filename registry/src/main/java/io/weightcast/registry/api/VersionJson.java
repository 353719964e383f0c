package io.weightcast.registry.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import java.time.Instant;

/** JSON views of registry records for the REST API (the gRPC API carries the same data). */
final class VersionJson {
  private VersionJson() {}

  static JsonObject summary(CommittedVersion v) {
    Manifest m = v.manifest();
    return new JsonObject().put("model", m.model()).put("version", m.version())
        .put("sequence", v.sequence()).put("manifestDigest", v.manifestDigest().hex())
        .put("committedAt", Instant.ofEpochMilli(v.committedAtMs()).toString())
        .put("files", m.files().size()).put("totalBytes", m.totalBytes())
        .put("chunks", m.chunkCount()).put("chunkSize", m.chunkSize())
        .put("signedBy", v.signature().map(s -> s.keyId()).orElse(null));
  }

  static JsonObject manifest(CommittedVersion v) {
    JsonArray files = new JsonArray();
    for (FileEntry f : v.manifest().files()) {
      JsonArray chunks = new JsonArray();
      for (ChunkSpec c : f.chunks()) {
        chunks.add(new JsonObject().put("offset", c.offset()).put("length", c.length())
            .put("sha256", c.digest().hex()));
      }
      files.add(new JsonObject().put("path", f.path()).put("size", f.size())
          .put("sha256", f.digest().hex()).put("chunks", chunks));
    }
    return summary(v).put("fileList", files);
  }
}
