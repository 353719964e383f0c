package io.weightcast.distributor.ingest;

import io.weightcast.protocol.failure.TooManyRequests;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploads in flight per client address, bounded by {@code maxPerClient}. Thread-safe (the chunk
 * server's requests arrive on several event loops); an address with none in flight holds no entry.
 */
final class UploadSlots {
  private final int maxPerClient;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  UploadSlots(int maxPerClient) {
    this.maxPerClient = maxPerClient;
  }

  /** Takes a slot for {@code client}, or throws {@link TooManyRequests} (HTTP 429). */
  void acquire(String client) {
    boolean[] refused = {false};
    inFlight.compute(client, (c, n) -> {
      int now = n == null ? 0 : n;
      refused[0] = now >= maxPerClient;
      return refused[0] ? n : now + 1;
    });
    if (refused[0]) {
      throw new TooManyRequests(client + " already has " + maxPerClient
          + " uploads in flight (distributor --max-uploads-per-client); retry when one finishes");
    }
  }

  void release(String client) {
    inFlight.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
  }

  int inFlight(String client) {
    return inFlight.getOrDefault(client, 0);
  }
}
