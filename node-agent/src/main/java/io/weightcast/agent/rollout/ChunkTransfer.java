package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.weightcast.agent.AgentMetrics;
import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.assemble.VersionAssembly;
import io.weightcast.agent.fetch.TopologyClient.Picked;
import io.weightcast.protocol.Digest;
import io.weightcast.agent.serve.HeldChunks;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one chunk onto this node: (0) when the node already holds a chunk with the same digest
 * (another version, or elsewhere in this one), copy it locally ({@link LocalCopy}) and stop; if
 * that copy fails to verify or to read, log it and go on fetching; (1) try the sources the
 * distributor picked for it ({@link FetchScheduler}) in order, reporting each one that fails;
 * (2) decode, verify and write the first good copy on the disk pool, then record where it came
 * from. Confined to the agent verticle's context.
 */
final class ChunkTransfer {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkTransfer.class);

  private final RolloutContext ctx;
  private final VersionAssembly assembly;
  private final Written onWritten;

  /** Where a written chunk came from. */
  enum Source { LOCAL, ORIGIN, PEER }

  /** Told on the context about each chunk written, with where its bytes came from. */
  interface Written {
    void accept(ChunkLocation loc, Source source);
  }

  ChunkTransfer(RolloutContext ctx, VersionAssembly assembly, Written onWritten) {
    this.ctx = ctx;
    this.assembly = assembly;
    this.onWritten = onWritten;
  }

  /**
   * Copies {@code loc} from a local copy, or fetches it from the picked sources in order
   * ({@code origin}: the distributor that picked them, told of each source that fails). A peer
   * outside this node's rack is asked for the encoded frame (fewer bytes across the uplink).
   */
  Future<Void> run(ChunkLocation loc, String origin, Picked picked) {
    List<String> sources = picked.sources().isEmpty() ? List.of(origin) : picked.sources();
    return copyLocally(loc).compose(copied -> copied ? Future.<Void>succeededFuture()
        : tryEach(loc, origin, sources, picked.crossing(), 0));
  }

  /** Step 0: answers true when the chunk was copied from a held copy. */
  private Future<Boolean> copyLocally(ChunkLocation loc) {
    HeldChunks.Location held = ctx.heldChunk().apply(loc.chunk().digest()).orElse(null);
    if (held == null) {
      return Future.succeededFuture(false);
    }
    return ctx.disk().executeBlocking(() -> LocalCopy.copy(held, assembly, loc), false)
        .map(written -> {
          ctx.metrics().local(loc.chunk().length());
          onWritten.accept(loc, Source.LOCAL);
          return true;
        })
        .otherwise(e -> {
          LOG.warn("local copy of chunk {} from {} failed, fetching it: {}",
              loc.chunk().digest().shortHex(), held.file(), e.getMessage());
          return false;
        });
  }

  private Future<Void> tryEach(ChunkLocation loc, String origin, List<String> sources,
      boolean crossing, int i) {
    String source = sources.get(i);
    Digest digest = loc.chunk().digest();
    boolean fromOrigin = source.equals(origin);
    return fetchAndWrite(loc, source, fromOrigin ? Source.ORIGIN : Source.PEER,
        crossing && !fromOrigin, ctx.metrics().transfer(fromOrigin)).recover(e -> {
      ctx.topology().reportFailure(origin, source, digest, e.getMessage());
      return i + 1 < sources.size() ? tryEach(loc, origin, sources, crossing, i + 1)
          : Future.failedFuture(e);
    });
  }

  private Future<Void> fetchAndWrite(ChunkLocation loc, String source, Source kind,
      boolean encoded, AgentMetrics.Transfer counted) {
    int length = (int) loc.chunk().length();
    return ctx.fetcher().fetch(source, loc.chunk().digest(), length, encoded)
        .onSuccess(chunk -> counted.received(chunk.frame().remaining()))
        .compose(chunk -> ctx.disk().executeBlocking(
                () -> assembly.writeChunk(loc, chunk.codec(), chunk.frame()), false)
            .eventually(() -> {
              ctx.fetcher().release(chunk);
              return Future.succeededFuture();
            }))
        .<Void>map(written -> {
          ctx.topology().held(loc.chunk().digest(), source);
          onWritten.accept(loc, kind);
          return null;
        })
        .andThen(ar -> {
          if (ar.succeeded()) {
            counted.verified();
          } else {
            counted.failed(ar.cause());
          }
        });
  }
}
