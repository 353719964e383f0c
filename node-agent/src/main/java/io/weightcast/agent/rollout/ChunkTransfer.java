package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.weightcast.agent.AgentMetrics;
import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.assemble.VersionAssembly;
import io.weightcast.agent.fetch.TopologyClient.Picked;
import io.weightcast.protocol.Digest;
import io.weightcast.agent.serve.HeldChunks;
import io.weightcast.agent.serve.RecentFrames;
import io.weightcast.protocol.wire.ChunkHttp.AcceptEncoded;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one chunk onto this node: (0) when the node already holds a chunk with the same digest
 * (another version, or elsewhere in this one), copy it locally ({@link LocalCopy}) and stop; if
 * that copy fails to verify or to read, log it and go on fetching; (1) try the sources the
 * distributor picked for it ({@link FetchScheduler}) in order, reporting each one that fails;
 * (2) decode, verify and write the first good copy on the disk pool, then record where it came
 * from. A peer is asked for the encoded frame: encoded on the fly if the copy crosses into this
 * rack, else only a frame it kept ({@link AcceptEncoded}). Confined to the agent verticle's context.
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
    return copyLocally(loc).compose(copied -> {
      if (copied) {
        ctx.topology().notFetched(loc.chunk().digest());
        return Future.<Void>succeededFuture();
      }
      return tryEach(loc, origin, sources, picked.crossing(), 0);
    });
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
    AcceptEncoded encoded = fromOrigin ? AcceptEncoded.NO
        : crossing ? AcceptEncoded.YES : AcceptEncoded.IF_HELD;
    return fetchAndWrite(loc, source, fromOrigin ? Source.ORIGIN : Source.PEER,
        encoded, ctx.metrics().transfer(fromOrigin)).recover(e -> {
      LOG.debug("chunk {} from {} failed: {}", digest.shortHex(), source, e.getMessage());
      boolean goingOn = i + 1 < sources.size();
      ctx.topology().reportFailure(origin, source, digest, e.getMessage(), goingOn);
      return goingOn ? tryEach(loc, origin, sources, crossing, i + 1) : Future.failedFuture(e);
    });
  }

  /**
   * Fetches, then on the disk pool decodes, verifies and writes the frame; a frame that
   * {@link RecentFrames} keeps is copied out of the pooled buffer there too, and offered to it on
   * the context once its chunk verified.
   */
  private Future<Void> fetchAndWrite(ChunkLocation loc, String source, Source kind,
      AcceptEncoded encoded, AgentMetrics.Transfer counted) {
    int length = (int) loc.chunk().length();
    long startedAt = System.nanoTime();
    long[] receivedAt = new long[2];
    return ctx.fetcher().fetch(source, loc.chunk().digest(), length, encoded)
        .onSuccess(chunk -> {
          receivedAt[0] = System.nanoTime();
          receivedAt[1] = chunk.frame().remaining();
          counted.received(chunk.frame().remaining());
        })
        .compose(chunk -> ctx.disk().executeBlocking(() -> {
              Buffer keep = ctx.frames().keeps(chunk.codec(), chunk.frame().remaining())
                  ? copyOf(chunk.frame()) : null;
              assembly.writeChunk(loc, chunk.codec(), chunk.frame());
              return keep == null ? null : new RecentFrames.Frame(chunk.codec(), keep);
            }, false)
            .eventually(() -> {
              ctx.fetcher().release(chunk);
              return Future.succeededFuture();
            }))
        .<Void>map(verifiedFrame -> {
          if (verifiedFrame != null) {
            ctx.frames().put(loc.chunk().digest(), verifiedFrame);
          }
          if (LOG.isDebugEnabled()) {
            LOG.debug("chunk {} from {} ({}, asked {}): {} B in {} ms, written {} ms later",
                loc.chunk().digest().shortHex(), source, kind, encoded,
                receivedAt[1], (receivedAt[0] - startedAt) / 1_000_000,
                (System.nanoTime() - receivedAt[0]) / 1_000_000);
          }
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

  private static Buffer copyOf(ByteBuffer frame) {
    byte[] bytes = new byte[frame.remaining()];
    frame.duplicate().get(bytes);
    return Buffer.buffer(bytes);
  }
}
