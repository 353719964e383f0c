package io.weightcast.deploy.cli;

import io.vertx.core.Vertx;
import io.weightcast.deploy.push.ChunkSizing;
import io.weightcast.deploy.push.Pusher;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.signing.ManifestSigner;
import io.weightcast.protocol.wire.Sizes;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weightcast push DIR}: uploads the chunks the distributor lacks, then publishes. */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Push a model directory as a new version.")
public final class PushCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "The model directory.")
  Path dir;

  @Option(names = "--model", required = true, description = "Model name.")
  String model;

  @Option(names = "--version", required = true, description = "Version name (immutable once published).")
  String version;

  @Option(names = "--registry", defaultValue = "localhost:7070", description = "Registry host:port, or several (host:port,host:port) of one cluster, tried in turn (default ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--distributor", defaultValue = "http://localhost:7080", description = "Distributor URL (default ${DEFAULT-VALUE}).")
  String distributor;

  @Option(names = "--chunk-size", defaultValue = "auto", description = "Chunk size, or auto: the model's newest version's, else the largest power of two <= model size / 64 within [1 MiB, 8 MiB] (default ${DEFAULT-VALUE}).")
  String chunkSize;

  @Option(names = "--fixed-chunks", description = "Cut every file at fixed offsets, even safetensors (default: chunk boundaries follow tensors).")
  boolean fixedChunks;

  @Option(names = "--streams", defaultValue = "16", description = "Concurrent uploads (default ${DEFAULT-VALUE}).")
  int streams;

  /** TLS, authorization and token flags (SECURITY.md). */
  @picocli.CommandLine.Mixin
  SecurityOptions security;
  @Option(names = "--sign", paramLabel = "KEY", description = "Sign the manifest digest with this Ed25519 private key (PEM PKCS#8, e.g. from 'weightcast keygen' or 'openssl genpkey -algorithm ed25519').")
  Path signingKey;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      Pusher.Options options = new Pusher.Options(dir, model, version,
          ChunkSizing.parse(chunkSize),
          streams, registry, distributor,
          fixedChunks ? Chunker.Mode.FIXED : Chunker.Mode.TENSORS,
          signingKey == null ? null : ManifestSigner.fromFile(signingKey));
      io.weightcast.protocol.security.ClientSecurity client = security.client();
      Vertx vertx = CliSupport.newVertx();
      List<ConsoleProgress> bars = new CopyOnWriteArrayList<>();
      long timer = vertx.setPeriodic(250, t -> bars.forEach(ConsoleProgress::tick));
      try {
        Pusher.Result r = CliSupport.runOnContext(vertx, v -> Pusher.push(v, options,
            new Pusher.Listener() {
              @Override
              public LongConsumer hashing(long totalBytes) {
                return start(bars, "hashing", totalBytes);
              }

              @Override
              public LongConsumer uploading(int chunks, long bytes) {
                bars.forEach(ConsoleProgress::finish);
                bars.clear();
                return start(bars, "uploading", bytes);
              }
            }, client));
        vertx.cancelTimer(timer);
        bars.forEach(ConsoleProgress::finish);
        r.warnings().forEach(w -> System.err.println("warning: " + w));
        System.out.println(summary(r));
        return 0;
      } finally {
        vertx.cancelTimer(timer);
        vertx.close().await();
      }
    });
  }

  private static LongConsumer start(List<ConsoleProgress> bars, String label, long total) {
    ConsoleProgress p = ConsoleProgress.onStderr(label, total);
    bars.add(p);
    return p::add;
  }

  static String summary(Pusher.Result r) {
    Manifest m = r.version().manifest();
    String uploaded = r.chunksUploaded() == 0
        ? "uploaded no chunk bytes: all " + r.distinctChunks() + " chunks ("
            + Sizes.format(r.bytesReused()) + ") reused from chunks the distributor already holds"
        : "uploaded " + Sizes.format(r.bytesUploaded()) + " of " + Sizes.format(r.distinctBytes())
            + " (" + r.chunksUploaded() + " of " + r.distinctChunks() + " chunks); "
            + Sizes.format(r.bytesReused()) + " reused from chunks the distributor already holds";
    return (r.created() ? "published " : "already published ") + m.id() + " (sequence "
        + r.version().sequence() + ", manifest " + r.version().manifestDigest().hex() + ", "
        + m.files().size() + " files, " + Sizes.format(m.totalBytes()) + " in chunks of "
        + Sizes.format(m.chunkSize())
        + r.version().signature().map(s -> ", signed by key " + s.keyId()).orElse("") + "); "
        + uploaded;
  }
}
