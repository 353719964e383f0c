package io.weightcast.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.wire.ChunkApiClient;
import io.weightcast.registry.catalog.DistributorLeases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.weightcast.protocol.security.ClientSecurity;

/**
 * Checks that a live distributor holds every chunk a manifest names before it is committed.
 * Confined to the registry verticle's context; keeps one chunk client per distributor URL.
 */
final class ChunkPresence {
  private static final long TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final DistributorLeases leases;
  private final Map<String, ChunkApiClient> clients = new HashMap<>();
  private final ClientSecurity security;

  ChunkPresence(Vertx vertx, DistributorLeases leases, ClientSecurity security) {
    this.vertx = vertx;
    this.security = security;
    this.leases = leases;
  }

  /**
   * Succeeds when the most recently registered live distributor that answers holds every chunk.
   * Distributors are asked newest first; one that cannot be reached (dead, its lease not yet
   * expired) is passed over for the next, so losing a distributor does not block publishing.
   */
  Future<Void> requireAll(Manifest manifest) {
    List<String> live = leases.live();
    if (live.isEmpty()) {
      return Future.failedFuture(new Unavailable("no distributor is registered with this"
          + " registry, so the chunks of " + manifest.id() + " cannot be checked; start one with"
          + " --registry"));
    }
    return askFrom(live, live.size() - 1, manifest, new ArrayList<>());
  }

  private Future<Void> askFrom(List<String> live, int i, Manifest manifest,
      List<String> unreachable) {
    if (i < 0) {
      return Future.failedFuture(new Unavailable("no registered distributor answered the chunk"
          + " check of " + manifest.id() + ": " + String.join("; ", unreachable)));
    }
    String url = live.get(i);
    Set<Digest> wanted = manifest.distinctChunks().keySet();
    ChunkApiClient client = clients.computeIfAbsent(url,
        u -> ChunkApiClient.create(vertx, u, 16, TIMEOUT_MS, security));
    return client.missing(wanted).transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof Unavailable) {
          unreachable.add(ar.cause().getMessage());
          return askFrom(live, i - 1, manifest, unreachable);
        }
        return Future.failedFuture(ar.cause());
      }
      Set<Digest> missing = ar.result();
      return missing.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(new ChunkNotFound("distributor " + url + " lacks "
              + missing.size() + " of " + wanted.size() + " chunks of " + manifest.id()
              + " (first: " + missing.iterator().next().hex() + "); upload them before"
              + " publishing"));
    });
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(c -> closing.add(c.closeAsync()));
    clients.clear();
    return Future.join(closing).mapEmpty();
  }
}
