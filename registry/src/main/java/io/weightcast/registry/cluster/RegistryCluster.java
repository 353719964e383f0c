package io.weightcast.registry.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.wire.RegistryConnection.Published;
import io.weightcast.registry.RegistryCore;
import java.util.UUID;

/**
 * A registry's membership in the clustered control plane. Wires the leader lease, the replicated
 * version log and the shared progress/lease maps into the core:
 * (1) seed the map from the local log and catch up; (2) share progress and leases; (3) take the
 * lease when free; from then on commits go through the leader, and every registry mirrors the
 * map on each entry event, on member loss, and every {@link #SWEEP_MS} (a missed event costs at
 * most that long); (4) share the operators' control state ({@link ReplicatedControl}). A
 * publish reaching a follower answers UNAVAILABLE naming the leader; clients given several
 * registries rotate to the next one (RegistryConnection).
 * Confined to the registry verticle's context.
 */
public final class RegistryCluster {
  static final long SWEEP_MS = 2_000;

  private final HazelcastInstance hz;
  private WorkerExecutor worker;
  private LeaderLease lease;
  private ReplicatedVersions versions;
  private SharedControlState shared;
  private ReplicatedControl control;
  private Vertx vertx;
  private UUID versionListener;
  private UUID memberListener;
  private long sweep = -1;
  private String self;

  public RegistryCluster(HazelcastInstance hz) {
    this.hz = hz;
  }

  /** Starts mirroring; {@code grpcPort} is where this registry serves (named to clients). */
  public Future<Void> start(Vertx vertx, RegistryCore core, int grpcPort) {
    this.vertx = vertx;
    Context context = vertx.getOrCreateContext();
    worker = vertx.createSharedWorkerExecutor("wc-registry-cluster-" + grpcPort, 2);
    self = hz.getCluster().getLocalMember().getAddress().getHost() + ":" + grpcPort;
    IMap<Long, String> versionMap = hz.getMap("weightcast.versions");
    versions = new ReplicatedVersions(core, worker, versionMap);
    shared = new SharedControlState(context, core, worker, hz.getMap("weightcast.progress"),
        hz.getMap("weightcast.distributors"));
    control = new ReplicatedControl(context, core.control(), worker,
        hz.getMap("weightcast.control"));
    lease = new LeaderLease(vertx, worker, hz.getMap("weightcast.registry-leader"), self,
        () -> versions.catchUp());
    core.replicateWith(this::commit, shared::shareProgress);
    return worker.executeBlocking(() -> {
      versionListener = versionMap.addEntryListener(
          (EntryAddedListener<Long, String>) e -> context.runOnContext(v -> versions.catchUp()),
          false);
      memberListener = hz.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          context.runOnContext(v -> versions.catchUp());
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          context.runOnContext(v -> versions.catchUp().eventually(lease::tick));
        }
      });
      return null;
    }, false).compose(v -> versions.seed())
        .compose(v -> shared.start())
        .compose(v -> control.start())
        .compose(v -> lease.start())
        .onSuccess(v -> sweep = vertx.setPeriodic(SWEEP_MS, t -> versions.catchUp()));
  }

  private Future<Published> commit(Manifest manifest,
      java.util.Optional<io.weightcast.protocol.signing.ManifestSignature> signature) {
    if (!lease.held()) {
      String leader = lease.holder().isEmpty() ? "none yet" : lease.holder();
      return Future.failedFuture(new Unavailable("registry " + self
          + " is a follower; the leader is " + leader + " (retry there)"));
    }
    return versions.commit(manifest, signature);
  }

  /** True while this registry holds the writer lease. */
  public boolean leading() {
    return lease != null && lease.held();
  }

  /** Hands back the lease, stops listening; the Hazelcast member is closed with its Vert.x. */
  public Future<Void> stop() {
    if (lease == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(sweep);
    IMap<Long, String> versionMap = hz.getMap("weightcast.versions");
    return lease.release().compose(v -> shared.stop()).compose(v -> control.stop())
        .compose(v -> worker.executeBlocking(() -> {
          versionMap.removeEntryListener(versionListener);
          hz.getCluster().removeMembershipListener(memberListener);
          return null;
        }, false)).<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .eventually(() -> worker.close());
  }
}
