package io.weightcast.deploy.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.Chunker;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.ModelDirectory;
import io.weightcast.protocol.wire.Bounded;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.protocol.wire.RegistryConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * The release pipeline's push: (1) scan the directory, refusing what cannot be published; (2)
 * chunk and hash every file on all cores; (3) ask the distributor which chunks it lacks; (4) upload
 * only those, many HTTP/2 streams on one connection; (5) publish the manifest to the registry.
 * Call {@link #push} from a Vert.x context.
 */
public final class Pusher {
  /** What to push and where. */
  public record Options(Path dir, String model, String version, long chunkSize, int streams,
      String registry, String distributor) {
    public Options {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(distributor, "distributor");
      if (streams < 1 || streams > 256) {
        throw new IllegalArgumentException("streams must be in [1, 256], got " + streams);
      }
    }
  }

  /** Progress hooks: each answers the consumer that is fed bytes done (from any thread). */
  public interface Listener {
    LongConsumer hashing(long totalBytes);

    LongConsumer uploading(int chunks, long bytes);
  }

  /** What a push did. */
  public record Result(CommittedVersion version, boolean created, int distinctChunks,
      int chunksUploaded, long bytesUploaded, long bytesReused) {}

  private Pusher() {}

  public static Future<Result> push(Vertx vertx, Options o, Listener listener) {
    Chunker chunker = new Chunker(o.chunkSize());
    return vertx.<Hashed>executeBlocking(() -> hash(o, chunker, listener))
        .compose(hashed -> {
          Manifest manifest = hashed.manifest();
          ChunkApiClient chunks = ChunkApiClient.create(vertx, o.distributor(), o.streams(), 120_000);
          RegistryConnection registry = RegistryConnection.create(vertx, o.registry());
          return upload(hashed, chunks, o.streams(), listener)
              .compose(up -> registry.publish(manifest).map(p -> new Result(p.version(),
                  p.created(), up.distinct, up.chunks, up.bytes, up.reused)))
              .eventually(() -> Future.join(chunks.closeAsync(), registry.closeAsync()));
        });
  }

  /** The manifest and where each of its files is on this machine. */
  private record Hashed(Manifest manifest, Map<String, Path> localPaths) {}

  private static Hashed hash(Options o, Chunker chunker, Listener listener) {
    List<ModelDirectory.LocalFile> files = ModelDirectory.scan(o.dir());
    long total = files.stream().mapToLong(ModelDirectory.LocalFile::size).sum();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "wc-push-hash");
      t.setDaemon(true);
      return t;
    });
    try {
      Manifest manifest = chunker.manifest(o.model(), o.version(), files, pool,
          listener.hashing(total));
      Map<String, Path> paths = new LinkedHashMap<>();
      files.forEach(f -> paths.put(f.relativePath(), f.path()));
      return new Hashed(manifest, paths);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Upload(int distinct, int chunks, long bytes, long reused) {}

  private record Source(Path file, ChunkSpec chunk) {}

  private static Future<Upload> upload(Hashed hashed, ChunkApiClient chunks, int streams,
      Listener listener) {
    Map<Digest, Source> sources = sources(hashed);
    return chunks.missing(sources.keySet()).compose(missing -> {
      List<Source> todo = new ArrayList<>();
      missing.forEach(d -> todo.add(sources.get(d)));
      long bytes = todo.stream().mapToLong(s -> s.chunk().length()).sum();
      long all = sources.values().stream().mapToLong(s -> s.chunk().length()).sum();
      LongConsumer progress = listener.uploading(todo.size(), bytes);
      return Bounded.forEach(todo, streams, s -> chunks.upload(s.chunk().digest(), s.file(),
              s.chunk().offset(), s.chunk().length())
          .onSuccess(created -> progress.accept(s.chunk().length())))
          .map(v -> new Upload(sources.size(), todo.size(), bytes, all - bytes));
    });
  }

  /** One place to read each distinct chunk from. */
  private static Map<Digest, Source> sources(Hashed hashed) {
    Map<Digest, Source> out = new LinkedHashMap<>();
    for (FileEntry f : hashed.manifest().files()) {
      for (ChunkSpec c : f.chunks()) {
        out.putIfAbsent(c.digest(), new Source(hashed.localPaths().get(f.path()), c));
      }
    }
    return out;
  }
}
