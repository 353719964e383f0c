package io.weightcast.agent.rollout;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.weightcast.agent.assemble.ChunkLocation;
import io.weightcast.agent.fetch.TopologyClient.Picked;
import io.weightcast.protocol.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a version's missing chunks through at most {@code slots} transfers at once. Slots are
 * not bound to chunks: whenever slots are free, the scheduler sends its ready chunks (in this
 * node's order) to a distributor, which picks which of them to take now and from where
 * ({@code TopologyHttp}: crossings into the rack while the rack's cap allows, then copies already
 * in the rack). So no slot idles on a chunk whose copy is still crossing while rack-mates hold
 * others. Cycle: (1) ready = pending chunks not in flight, past their retry backoff, one entry per
 * digest; (2) at most one pick outstanding, for {@code slots - inFlight} of them, to the origin of
 * the first ready chunk (chunk i of attempt a goes to origin (i + a - 1) mod n, so attempts
 * rotate over the distributors); (3) start each picked transfer; (4) ask again when a transfer
 * ends, or when the pick came back short after {@link #WAIT_STEP_MS}, doubled per pick in a row
 * that gave nothing while transfers are in flight (their ends ask again anyway), up to
 * {@link #MAX_WAIT_STEP_MS}. A distributor that cannot
 * answer is used as the source itself (the fetch then fails and the retry moves on). When nothing
 * is in flight and nothing was picked for {@link #MAX_IDLE_MS}, the first ready chunk is fetched
 * from its origin anyway (a rack-mate that took a crossing and died holds it at most a lease).
 * A chunk that fails is retried after 250 ms x 2^(attempt-1) (capped at 2^6) up to
 * {@code maxAttempts}; a non-retryable failure or the last attempt fails the whole run (transfers
 * already started finish; no new one starts). Confined to the agent verticle's context.
 */
final class FetchScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(FetchScheduler.class);
  static final long WAIT_STEP_MS = 100;
  static final long MAX_WAIT_STEP_MS = 400;
  static final long MAX_IDLE_MS = 30_000;
  /** Ready chunks sent per pick, at most (this node's order: the head of its list). */
  static final int MAX_CANDIDATES = 256;

  /** The distributor's pick: at most {@code want} of {@code candidates}, each with its sources. */
  interface Picker {
    Future<Map<Digest, Picked>> pick(String origin, List<Digest> candidates, int want);
  }

  /** Moves one chunk from the sources picked for it (tried in order). */
  interface Transfer {
    Future<Void> run(ChunkLocation loc, String origin, Picked picked);
  }

  /** Decides after a failed attempt: null to retry, else the failure that ends the run. */
  interface RetryPolicy {
    Throwable giveUp(ChunkLocation loc, int attempt, Throwable cause);
  }

  /** Waits until new fetches may start (an operator's pause). */
  interface Gate {
    Future<Void> whenRunnable();
  }

  /** A pending chunk: its attempt (from 1) and the earliest time it may be tried again. */
  private static final class Entry {
    final ChunkLocation loc;
    int attempt = 1;
    long notBefore;
    boolean inFlight;

    Entry(ChunkLocation loc) {
      this.loc = loc;
    }
  }

  private final io.vertx.core.Vertx vertx;
  private final List<String> origins;
  private final int slots;
  private final Picker picker;
  private final Transfer transfer;
  private final RetryPolicy retry;
  private final Gate gate;
  private final LongSupplier clock;
  private final List<Entry> pending = new ArrayList<>();
  private final Set<Digest> digestsInFlight = new HashSet<>();
  private final Promise<Void> done = Promise.promise();
  private int inFlight;
  private boolean asking;
  /** The pending pump timer (-1: none) and when it fires. */
  private long timer = -1;
  private long timerDue;
  private long idleSince;
  /** Picks in a row that gave nothing while transfers were in flight (the re-ask backoff). */
  private int emptyPicks;

  FetchScheduler(io.vertx.core.Vertx vertx, List<String> origins, int slots, Picker picker,
      Transfer transfer, RetryPolicy retry, Gate gate, LongSupplier clock) {
    if (origins.isEmpty() || slots < 1) {
      throw new IllegalArgumentException("need at least one origin and one slot");
    }
    this.vertx = vertx;
    this.origins = List.copyOf(origins);
    this.slots = slots;
    this.picker = picker;
    this.transfer = transfer;
    this.retry = retry;
    this.gate = gate;
    this.clock = clock;
  }

  /** Fetches every chunk of {@code missing} (in this order of preference). */
  Future<Void> run(List<ChunkLocation> missing) {
    missing.forEach(loc -> pending.add(new Entry(loc)));
    idleSince = clock.getAsLong();
    pump();
    return done.future();
  }

  private void pump() {
    if (done.future().isComplete()) {
      return;
    }
    if (pending.isEmpty()) {
      done.tryComplete();
      return;
    }
    if (asking || inFlight >= slots) {
      return;
    }
    long now = clock.getAsLong();
    Map<Digest, Entry> ready = ready(now);
    if (ready.isEmpty()) {
      long next = pending.stream().filter(e -> !e.inFlight).mapToLong(e -> e.notBefore)
          .min().orElse(Long.MAX_VALUE);
      if (next != Long.MAX_VALUE) {
        later(Math.max(1, next - now));
      }
      return;
    }
    Entry first = ready.values().iterator().next();
    String origin = originOf(first);
    List<Digest> candidates = new ArrayList<>();
    ready.forEach((d, e) -> {
      if (candidates.size() < MAX_CANDIDATES && originOf(e).equals(origin)) {
        candidates.add(d);
      }
    });
    int want = slots - inFlight;
    asking = true;
    gate.whenRunnable()
        .compose(v -> picker.pick(origin, candidates, want))
        .otherwise(e -> {
          LOG.debug("pick from {} failed, fetching from it directly: {}", origin, e.getMessage());
          Map<Digest, Picked> direct = new LinkedHashMap<>();
          candidates.stream().limit(want).forEach(d -> direct.put(d, fromOrigin(origin)));
          return direct;
        })
        .onComplete(ar -> {
          asking = false;
          Map<Digest, Picked> picked = ar.result();
          long at = clock.getAsLong();
          if (picked.isEmpty() && inFlight == 0 && at - idleSince >= MAX_IDLE_MS) {
            picked = Map.of(candidates.get(0), fromOrigin(origin));
          }
          picked.forEach((d, sources) -> {
            Entry e = ready.get(d);
            if (e != null && !e.inFlight && inFlight < slots) {
              start(e, origin, sources);
            }
          });
          if (inFlight > 0 || !picked.isEmpty()) {
            idleSince = at;
          }
          emptyPicks = picked.isEmpty() && inFlight > 0 ? emptyPicks + 1 : 0;
          if (picked.size() < want) {
            later(Math.min(MAX_WAIT_STEP_MS, WAIT_STEP_MS << Math.min(emptyPicks, 3)));
          } else {
            pump();
          }
        });
  }

  /** Pending chunks that may be asked for now, one per digest, in this node's order. */
  private Map<Digest, Entry> ready(long now) {
    Map<Digest, Entry> ready = new LinkedHashMap<>();
    for (Entry e : pending) {
      Digest d = e.loc.chunk().digest();
      if (!e.inFlight && e.notBefore <= now && !digestsInFlight.contains(d)) {
        ready.putIfAbsent(d, e);
      }
    }
    return ready;
  }

  private String originOf(Entry e) {
    return origins.get((e.loc.chunk().index() + e.attempt - 1) % origins.size());
  }

  private static Picked fromOrigin(String origin) {
    return new Picked(List.of(origin), false);
  }

  private void start(Entry e, String origin, Picked sources) {
    e.inFlight = true;
    inFlight++;
    Digest d = e.loc.chunk().digest();
    digestsInFlight.add(d);
    Future<Void> f;
    try {
      f = transfer.run(e.loc, origin, sources);
    } catch (RuntimeException ex) {
      f = Future.failedFuture(ex);
    }
    f.onComplete(ar -> {
      e.inFlight = false;
      inFlight--;
      digestsInFlight.remove(d);
      if (ar.succeeded()) {
        pending.remove(e);
      } else {
        Throwable end = retry.giveUp(e.loc, e.attempt, ar.cause());
        if (end != null) {
          done.tryFail(end);
          return;
        }
        e.notBefore = clock.getAsLong() + (250L << Math.min(e.attempt - 1, 6));
        e.attempt++;
      }
      pump();
    });
  }

  /** Pumps again after {@code ms}, unless a pump is already due sooner. */
  private void later(long ms) {
    long due = clock.getAsLong() + ms;
    if (timer >= 0) {
      if (timerDue <= due) {
        return;
      }
      vertx.cancelTimer(timer);
    }
    timerDue = due;
    timer = vertx.setTimer(ms, t -> {
      timer = -1;
      pump();
    });
  }
}
