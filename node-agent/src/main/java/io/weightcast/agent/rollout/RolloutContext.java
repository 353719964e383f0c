package io.weightcast.agent.rollout;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weightcast.agent.AgentConfig;
import io.weightcast.agent.fetch.ChunkFetcher;
import io.weightcast.agent.fetch.SourceList;
import io.weightcast.agent.fetch.TopologyClient;
import io.weightcast.agent.watch.AgentState;
import io.weightcast.protocol.CommittedVersion;
import java.util.function.Consumer;

/**
 * What every version rollout of one agent shares. Confined to the agent verticle's context, except
 * {@code disk}, the worker pool on which all blocking file work runs (unordered).
 *
 * @param onHeld called on the context when a version is complete on disk (its chunks can be served)
 * @param onRemoved called on the context when retention deleted a version
 * @param serveUrl where this agent serves the chunks it holds (reported with progress)
 * @param topology the distributor's topology API: where to fetch, what this node holds
 * @param onChunkHeld called on the context when a chunk is verified and durable in a staging file
 * @param heldChunk where this node already holds a chunk (any version, or staging), on the context
 * @param gate the operators' policy: which version may become current, which fetches wait
 * @param metrics the agent's meters
 * @param warmer brings a verified version into the page cache before it is activated
 * @param frames the encoded frames verified lately, kept for peers (the chunk server's)
 */
public record RolloutContext(Vertx vertx, AgentConfig config, WorkerExecutor disk,
    ChunkFetcher fetcher, SourceList sources, AgentState state,
    ProgressReporter reporter, Consumer<CommittedVersion> onHeld,
    Consumer<String> onRemoved, String serveUrl, TopologyClient topology,
    java.util.function.BiConsumer<io.weightcast.protocol.ChunkSpec, java.nio.file.Path> onChunkHeld,
    java.util.function.Function<io.weightcast.protocol.Digest,
        java.util.Optional<io.weightcast.agent.serve.HeldChunks.Location>> heldChunk,
    io.weightcast.agent.control.PolicyGate gate,
    io.weightcast.agent.AgentMetrics metrics,
    io.weightcast.agent.assemble.PageCacheWarmer warmer,
    io.weightcast.agent.serve.RecentFrames frames) {}
