package io.weightcast.registry.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Distributors that registered recently: id to base URL, each with a lease that expires unless
 * renewed. Confined to the registry verticle's context.
 */
public final class DistributorLeases {
  public static final long LEASE_MS = 30_000;

  private record Lease(String baseUrl, long expiresAtMs) {}

  private final Map<String, Lease> leases = new LinkedHashMap<>();
  private final LongSupplier clock;
  /** Told of every renewal (clustered mode shares leases through a Hazelcast map). */
  private java.util.function.BiConsumer<String, String> onRenew = (id, url) -> {};

  public DistributorLeases(LongSupplier clock) {
    this.clock = clock;
  }

  /** Registers or renews; answers the lease length. */
  public long renew(String distributorId, String baseUrl) {
    if (distributorId == null || distributorId.isBlank() || baseUrl == null || baseUrl.isBlank()) {
      throw new io.weightcast.protocol.failure.InvalidArgument(
          "distributor_id and base_url must be set");
    }
    adopt(distributorId, baseUrl);
    onRenew.accept(distributorId, baseUrl);
    return LEASE_MS;
  }

  /** Records a renewal made elsewhere (another registry of the cluster); no notification. */
  public void adopt(String distributorId, String baseUrl) {
    leases.put(distributorId, new Lease(baseUrl, clock.getAsLong() + LEASE_MS));
  }

  public void onRenew(java.util.function.BiConsumer<String, String> listener) {
    this.onRenew = listener;
  }

  /** Base URLs of distributors whose lease has not expired, most recently registered last. */
  public List<String> live() {
    long now = clock.getAsLong();
    leases.values().removeIf(l -> l.expiresAtMs() < now);
    List<String> out = new ArrayList<>();
    leases.values().forEach(l -> out.add(l.baseUrl()));
    return out;
  }
}
