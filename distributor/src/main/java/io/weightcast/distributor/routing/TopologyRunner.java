package io.weightcast.distributor.routing;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;
import java.util.concurrent.Callable;

/**
 * Where the topology API runs a {@link FleetTopology} call: inline on the distributor's context
 * (the in-memory {@link TopologyTable}, which is confined to it), or on a worker pool (the
 * Hazelcast-backed {@link SharedTopology}, whose calls block). A failure that is not already a
 * typed one becomes {@link Unavailable} (retryable: the agent asks the next distributor).
 */
public interface TopologyRunner {
  <T> Future<T> run(Callable<T> call);

  /** Runs on the caller's thread: for the context-confined table. */
  static TopologyRunner inline() {
    return new TopologyRunner() {
      @Override
      public <T> Future<T> run(Callable<T> call) {
        try {
          return Future.succeededFuture(call.call());
        } catch (Exception e) {
          return Future.failedFuture(e);
        }
      }
    };
  }

  /** Runs on {@code worker}, unordered (calls for different chunks are independent). */
  static TopologyRunner on(WorkerExecutor worker) {
    return new TopologyRunner() {
      @Override
      public <T> Future<T> run(Callable<T> call) {
        return worker.executeBlocking(call, false).recover(e -> Future.failedFuture(
            e instanceof WeightcastFailure || e instanceof IllegalArgumentException ? e
                : new Unavailable("shared topology: " + e.getMessage(), e)));
      }
    };
  }
}
