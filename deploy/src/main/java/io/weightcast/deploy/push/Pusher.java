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
import io.weightcast.protocol.codec.ChunkEncoding;
import io.weightcast.protocol.safetensors.SafetensorsLayout;
import io.weightcast.protocol.signing.ManifestSignature;
import io.weightcast.protocol.signing.ManifestSigner;
import io.weightcast.protocol.safetensors.SafetensorsParser;
import io.weightcast.protocol.wire.Bounded;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.protocol.wire.RegistryConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * The release pipeline's push: (1) scan the directory, refusing what cannot be published; (2)
 * chunk and hash every file on all cores; (3) ask the distributor which chunks it lacks; (4) upload
 * only those, many HTTP/2 streams on one connection; (5) ask how the distributor stored each
 * chunk (HEAD: codec, frame length) and record that in the manifest; (6) publish the manifest.
 * Call {@link #push} from a Vert.x context.
 */
public final class Pusher {
  /**
   * What to push and where; {@code chunkSize} {@link ChunkSizing#AUTO} (0) lets the push choose;
   * {@code signer}, when not null, signs the manifest digest and the signature is published with
   * the version.
   */
  public record Options(Path dir, String model, String version, long chunkSize, int streams,
      String registry, String distributor, Chunker.Mode chunking, ManifestSigner signer) {
    public Options {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(chunking, "chunking");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(distributor, "distributor");
      if (streams < 1 || streams > 256) {
        throw new IllegalArgumentException("streams must be in [1, 256], got " + streams);
      }
    }

    /** Unsigned. */
    public Options(Path dir, String model, String version, long chunkSize, int streams,
        String registry, String distributor, Chunker.Mode chunking) {
      this(dir, model, version, chunkSize, streams, registry, distributor, chunking, null);
    }

    /** Tensor-aware chunking ({@link Chunker.Mode#TENSORS}), unsigned. */
    public Options(Path dir, String model, String version, long chunkSize, int streams,
        String registry, String distributor) {
      this(dir, model, version, chunkSize, streams, registry, distributor, Chunker.Mode.TENSORS);
    }
  }

  /** Progress hooks: each answers the consumer that is fed bytes done (from any thread). */
  public interface Listener {
    /** Reports nothing (the demo, tests and benchmarks print their own lines). */
    Listener QUIET = new Listener() {
      @Override
      public LongConsumer hashing(long totalBytes) {
        return n -> { };
      }

      @Override
      public LongConsumer uploading(int chunks, long bytes) {
        return n -> { };
      }
    };

    LongConsumer hashing(long totalBytes);

    LongConsumer uploading(int chunks, long bytes);
  }

  /**
   * What a push did. {@code bytesUploaded + bytesReused} is the size of the distinct chunks;
   * {@code bytesReused} are those the distributor already held. {@code warnings}: safetensors
   * files chunked as opaque bytes, and why.
   */
  public record Result(CommittedVersion version, boolean created, int distinctChunks,
      int chunksUploaded, long bytesUploaded, long bytesReused, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }

    /** Size of the distinct chunks of the version. */
    public long distinctBytes() {
      return bytesUploaded + bytesReused;
    }
  }

  private Pusher() {}

  public static Future<Result> push(Vertx vertx, Options o, Listener listener) {
    return push(vertx, o, listener, io.weightcast.protocol.security.ClientSecurity.PLAINTEXT);
  }

  /** {@link #push(Vertx, Options, Listener)} presenting {@code security} (TLS, token). */
  public static Future<Result> push(Vertx vertx, Options o, Listener listener,
      io.weightcast.protocol.security.ClientSecurity security) {
    // The directory is scanned (and refused) before anything remote: a bad input must fail with
    // its own error, not with an unreachable registry's.
    return vertx.executeBlocking(() -> ModelDirectory.scan(o.dir()))
        .compose(files -> pushScanned(vertx, o, files, listener, security));
  }

  private static Future<Result> pushScanned(Vertx vertx, Options o,
      List<ModelDirectory.LocalFile> files, Listener listener,
      io.weightcast.protocol.security.ClientSecurity security) {
    long bytes = files.stream().mapToLong(ModelDirectory.LocalFile::size).sum();
    RegistryConnection registry = RegistryConnection.create(vertx, o.registry(), security);
    return chunkSize(o, bytes, registry)
        .compose(size -> vertx.<Hashed>executeBlocking(
            () -> hash(o, files, bytes, new Chunker(size, o.chunking()), listener)))
        .compose(hashed -> {
          Manifest manifest = hashed.manifest();
          ChunkApiClient chunks = ChunkApiClient.create(vertx, o.distributor(), o.streams(),
              120_000, security);
          return upload(hashed, chunks, o.streams(), listener)
              .compose(up -> encodings(manifest, chunks, o.streams())
                  // The signature covers the manifest as published: with its encodings.
                  .map(manifest::withEncodings)
                  .compose(encoded -> registry.publish(encoded, signature(o, encoded)))
                  .map(p -> new Result(p.version(), p.created(), up.distinct, up.chunks,
                      up.bytes, up.reused, signatureWarnings(o, p.version(), hashed.warnings()))))
              .eventually(chunks::closeAsync);
        })
        .eventually(registry::closeAsync);
  }

  /**
   * The chunk size asked for, or for {@link ChunkSizing#AUTO} the one {@link
   * ChunkSizing#forVersion} gives the model's {@code bytes} and its newest version (asked of the
   * registry).
   */
  private static Future<Long> chunkSize(Options o, long bytes, RegistryConnection registry) {
    if (o.chunkSize() != ChunkSizing.AUTO) {
      return Future.succeededFuture(o.chunkSize());
    }
    return registry.listVersions(o.model()).map(versions -> ChunkSizing.forVersion(bytes,
        versions.isEmpty() ? OptionalLong.empty()
            : OptionalLong.of(versions.get(versions.size() - 1).manifest().chunkSize())));
  }

  private static Optional<ManifestSignature> signature(Options o, Manifest manifest) {
    return o.signer() == null ? Optional.empty()
        : Optional.of(o.signer().sign(manifest.digest()));
  }

  /** A repeat publish keeps the registry's first signature: say so when it is not ours. */
  private static List<String> signatureWarnings(Options o, CommittedVersion committed,
      List<String> warnings) {
    Optional<String> held = committed.signature().map(ManifestSignature::keyId);
    if (o.signer() == null || held.equals(Optional.of(o.signer().keyId()))) {
      return warnings;
    }
    List<String> out = new ArrayList<>(warnings);
    out.add(committed.manifest().id() + " was already published "
        + held.map(k -> "signed by key " + k).orElse("unsigned")
        + "; the registry keeps that, not this push's signature by key " + o.signer().keyId());
    return out;
  }

  /**
   * The manifest, where each of its files is on this machine, the truthful safetensors layouts
   * (by relative path) and the warnings of the chunker.
   */
  private record Hashed(Manifest manifest, Map<String, Path> localPaths,
      Map<String, SafetensorsLayout.Tensors> layouts, List<String> warnings) {}

  private static Hashed hash(Options o, List<ModelDirectory.LocalFile> files, long total,
      Chunker chunker, Listener listener) {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "wc-push-hash");
      t.setDaemon(true);
      return t;
    });
    try {
      List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
      Manifest manifest = chunker.manifest(o.model(), o.version(), files, pool,
          listener.hashing(total), warnings::add);
      Map<String, Path> paths = new LinkedHashMap<>();
      Map<String, SafetensorsLayout.Tensors> layouts = new LinkedHashMap<>();
      for (ModelDirectory.LocalFile f : files) {
        paths.put(f.relativePath(), f.path());
        if (f.relativePath().endsWith(".safetensors")
            && SafetensorsParser.read(f.path()) instanceof SafetensorsLayout.Tensors t) {
          layouts.put(f.relativePath(), t);
        }
      }
      warnings.sort(null);
      return new Hashed(manifest, paths, layouts, warnings);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Upload(int distinct, int chunks, long bytes, long reused) {}

  /** Where to read a chunk, and the element width of its bytes when uniform (else empty). */
  private record Source(Path file, ChunkSpec chunk, OptionalInt width) {}

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
              s.chunk().offset(), s.chunk().length(), s.width())
          .onSuccess(created -> progress.accept(s.chunk().length())))
          .map(v -> new Upload(sources.size(), todo.size(), bytes, all - bytes));
    });
  }

  /**
   * How the distributor stored each distinct chunk (HEAD, {@code streams} at a time), to record
   * in the manifest; chunks it does not describe are left without an encoding.
   */
  private static Future<Map<Digest, ChunkEncoding>> encodings(Manifest manifest,
      ChunkApiClient chunks, int streams) {
    Map<Digest, ChunkEncoding> out = new java.util.concurrent.ConcurrentHashMap<>();
    List<Digest> digests = List.copyOf(manifest.distinctChunks().keySet());
    return Bounded.forEach(digests, streams, d -> chunks.encoding(d)
        .onSuccess(e -> e.ifPresent(enc -> out.put(d, enc)))).map(v -> out);
  }

  /** One place to read each distinct chunk from. */
  private static Map<Digest, Source> sources(Hashed hashed) {
    Map<Digest, Source> out = new LinkedHashMap<>();
    for (FileEntry f : hashed.manifest().files()) {
      for (ChunkSpec c : f.chunks()) {
        if (!out.containsKey(c.digest())) {
          SafetensorsLayout.Tensors layout = hashed.layouts().get(f.path());
          OptionalInt width = layout == null ? OptionalInt.empty()
              : layout.uniformWidth(c.offset(), c.end());
          out.put(c.digest(), new Source(hashed.localPaths().get(f.path()), c, width));
        }
      }
    }
    return out;
  }
}
