package io.weightcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weightcast.protocol.testing.ModelFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release pipeline's commands from the README, run against the real jar. */
class PushCommandsIT {
  @TempDir Path dir;

  @Test
  void pushListsAndRepushesWithoutUploadingChunkBytes() throws Exception {
    Path model = dir.resolve("my-model");
    ModelFixture.write(model, 20L * 1024 * 1024 + 3, 9);
    int registryPort = JarRunner.freePort();
    int distPort = JarRunner.freePort();
    String registry = "localhost:" + registryPort;
    String distributor = "http://localhost:" + distPort;
    try (JarRunner wc = new JarRunner(dir)) {
      wc.start("registry", "--host", "127.0.0.1", "--port", "" + registryPort, "--data",
          "./wc-data/registry");
      wc.start("distributor", "--host", "127.0.0.1", "--port", "" + distPort, "--registry",
          registry, "--data",
          "./wc-data/dist");
      awaitDistributorLease(registryPort);
      JarRunner.Result v1 = wc.run(120, "push", "./my-model", "--model", "llama-mini",
          "--version", "v1", "--registry", registry, "--distributor", distributor);
      assertEquals(0, v1.exitCode(), v1.output());
      assertTrue(v1.output().contains("published llama-mini/v1"), v1.output());
      assertTrue(v1.output().matches("(?s).*\\((\\d+) of \\1 chunks\\); 0 B reused.*"), v1.output());

      JarRunner.Result v2 = wc.run(120, "push", "./my-model", "--model", "llama-mini",
          "--version", "v2", "--registry", registry, "--distributor", distributor);
      assertEquals(0, v2.exitCode(), v2.output());
      assertTrue(v2.output().contains("uploaded no chunk bytes"), v2.output());

      JarRunner.Result table = wc.run(60, "versions", "--registry", registry);
      assertEquals(0, table.exitCode(), table.output());
      assertTrue(table.output().contains("llama-mini") && table.output().contains("v2"),
          table.output());
      JarRunner.Result json = wc.run(60, "versions", "--registry", registry, "--model",
          "llama-mini", "--json");
      JsonArray versions = new JsonObject(json.output().substring(json.output().indexOf('{')))
          .getJsonArray("versions");
      assertEquals(2, versions.size());
      JsonObject first = versions.getJsonObject(0);
      long bytes = 0;
      try (var files = Files.list(model)) {
        for (Path f : files.toList()) {
          bytes += Files.size(f);
        }
      }
      try (var files = Files.list(model)) {
        assertEquals(files.count(), (long) first.getInteger("files"));
      }
      assertEquals(bytes, first.getLong("totalBytes"));
      assertEquals(64, first.getString("manifestDigest").length());

      JarRunner.Result conflict = wc.run(120, "push", "./wc-data", "--model", "llama-mini",
          "--version", "v1", "--registry", registry, "--distributor", distributor);
      assertEquals(1, conflict.exitCode(), conflict.output());
      assertTrue(conflict.output().contains("already committed with other content"),
          conflict.output());
    }
  }

  @Test
  void pushRefusesASymlinkThatLeavesTheDirectoryBeforeUploading() throws Exception {
    Path model = dir.resolve("bad-model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), "{}");
    Files.createSymbolicLink(model.resolve("weights.bin"), Path.of("/etc/hostname"));
    try (JarRunner wc = new JarRunner(dir)) {
      JarRunner.Result r = wc.run(60, "push", "./bad-model", "--model", "m", "--version", "v1",
          "--registry", "localhost:1", "--distributor", "http://localhost:1");
      assertEquals(1, r.exitCode(), r.output());
      assertTrue(r.output().contains("weights.bin: symlink leaves the directory"), r.output());
    }
  }

  /** The distributor registers with the registry shortly after both start. */
  private static void awaitDistributorLease(int registryPort) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + registryPort + "/v1/distributors")).build();
    for (int i = 0; i < 150; i++) {
      try {
        String body = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        if (!new JsonObject(body).getJsonArray("distributors").isEmpty()) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the distributor never registered");
  }
}
