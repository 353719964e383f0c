package io.weightcast.perf.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A fluid, time-stepped simulation of one rollout under one policy. Not thread-safe; one use.
 *
 * <p>Each step: (1) rates for every active transfer from {@link FairShare}; (2) the step lasts
 * until the next transfer completes or the next waiting agent re-asks, but at least
 * {@code stepFraction} x the mean active transfer's duration (completions and re-asks inside a
 * step happen at its end); (3) transfers advance; (4) finished ones make their chunk servable at
 * the destination; (5) waiting agents whose time has come re-ask; (6) hosts with a free slot ask
 * for their next chunk, in their own random order. A chunk being fetched or waited for holds one
 * of the host's {@code chunksInFlight} slots, as the agent did before commit 061507f.
 *
 * <p>"ours-pick" schedules hosts as {@code FetchScheduler} does instead: slots are not bound to
 * chunks. A host with free slots (a "pump") sends the first {@link #MAX_CANDIDATES} of its
 * not-yet-started chunks, in its order, to the distributor's pick ({@link PickPolicy}) with
 * {@code want = free slots} and starts what is picked; it pumps again when one of its transfers
 * ends, or {@code waitStepS} later when the pick came back short. A host with nothing in flight
 * and nothing picked for {@code maxWaitS} fetches its first candidate from the origin. A pick
 * costs no time (one outstanding per host holds trivially).
 */
public final class Simulation {
  private static final double MAX_SIM_S = 1e7;
  /** Chunks a host sends per pick, at most (FetchScheduler.MAX_CANDIDATES). */
  static final int MAX_CANDIDATES = 256;

  /** An agent told to wait for {@code chunk} asks again at {@code due}; chunk -1: a pump. */
  private static final class Wait {
    final int host;
    final int chunk;
    final double since;
    final double due;
    boolean live = true;

    Wait(int host, int chunk, double since, double due) {
      this.host = host;
      this.chunk = chunk;
      this.since = since;
      this.due = due;
    }
  }

  private final SimConfig config;
  private final String policyName;
  private final Fabric fabric;
  private final FairShare fairShare;
  private final HolderIndex holders;
  private final SourcePolicy policy;
  private final boolean wake;
  private final int chunks;
  private final int slots;
  private final int[][] order;

  private final int[] src;
  private final int[] dst;
  private final int[] chunkOf;
  private final double[] remaining;
  private final double[] rate;
  private final int[] links;
  private final byte[] pathLen;
  private final int[] active;
  private final int[] posInActive;
  private final int[] free;
  private int nActive;
  private int nFree;

  private final int[] cursor;
  private final int[] busy;
  private final int[] held;
  private final double[] doneAt;
  private final boolean[] pendingFlag;
  private final ArrayDeque<Integer> pending = new ArrayDeque<>();
  private final PriorityQueue<Wait> timers =
      new PriorityQueue<>((a, b) -> Double.compare(a.due, b.due));
  private final ArrayList<Wait>[] rackWaiters;
  private final ArrayList<Wait>[] zoneWaiters;
  private final long[] linkBytes;
  /** Transfers crossing into each rack now (from the origin or another rack), and the peak. */
  private final int[] crossingIn;
  private int peakCrossing;

  /** "ours-pick" only (else null): the pick, and per host its unstarted chunks in its order. */
  private final PickPolicy picker;
  private final int[] unstarted;
  private final double[] idleSince;
  private final Wait[] pumpTimer;
  private final int[] pickedAt;
  private final int[] sourceOf;
  private int finished;
  private double now;

  @SuppressWarnings("unchecked")
  public Simulation(SimConfig config, String policyName) {
    this.config = config.checked();
    this.policyName = policyName;
    this.fabric = new Fabric(config);
    this.fairShare = new FairShare(fabric, config.fairnessRounds());
    this.chunks = config.chunks();
    this.slots = config.chunksInFlight();
    this.holders = new HolderIndex(fabric, chunks);
    this.wake = policyName.equals("ours-wake");
    this.picker = policyName.equals("ours-pick") ? new PickPolicy(config, fabric, holders) : null;
    this.policy = switch (policyName) {
      case "ours", "ours-wake" -> new RankedPolicy(config, fabric, holders);
      case "ours-pick" -> null;
      case "star" -> SourcePolicy.star();
      case "random" -> SourcePolicy.random(holders, config.seed() * 7919 + 1);
      default -> throw new IllegalArgumentException("unknown policy '" + policyName + "'");
    };
    int hosts = config.hosts();
    this.order = new int[hosts][];
    for (int h = 0; h < hosts; h++) {
      order[h] = shuffled(chunks, new SplittableRandom(config.seed() * 1_000_003L + h));
    }
    int maxFlows = hosts * slots;
    this.src = new int[maxFlows];
    this.dst = new int[maxFlows];
    this.chunkOf = new int[maxFlows];
    this.remaining = new double[maxFlows];
    this.rate = new double[maxFlows];
    this.links = new int[maxFlows * Fabric.MAX_PATH];
    this.pathLen = new byte[maxFlows];
    this.active = new int[maxFlows];
    this.posInActive = new int[maxFlows];
    this.free = new int[maxFlows];
    for (int f = maxFlows - 1; f >= 0; f--) {
      free[nFree++] = f;
    }
    this.cursor = new int[hosts];
    this.busy = new int[hosts];
    this.held = new int[hosts];
    this.doneAt = new double[hosts];
    this.pendingFlag = new boolean[hosts];
    this.rackWaiters = wake ? new ArrayList[chunks * fabric.racks()] : null;
    this.zoneWaiters = wake ? new ArrayList[chunks * fabric.zones()] : null;
    this.linkBytes = new long[fabric.links()];
    this.crossingIn = new int[fabric.racks()];
    this.unstarted = picker == null ? null : new int[hosts];
    this.idleSince = picker == null ? null : new double[hosts];
    this.pumpTimer = picker == null ? null : new Wait[hosts];
    this.pickedAt = new int[slots];
    this.sourceOf = new int[slots];
    if (picker != null) {
      java.util.Arrays.fill(unstarted, chunks);
    }
  }

  private static int[] shuffled(int n, SplittableRandom rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Runs the rollout from publish (t = 0) until every host holds every chunk. */
  public SimResult run() {
    long start = System.nanoTime();
    long steps = 0;
    for (int h = 0; h < config.hosts(); h++) {
      markPending(h);
    }
    drainPending();
    int[] done = new int[config.hosts() * slots];
    while (finished < config.hosts()) {
      if (now > MAX_SIM_S) {
        throw new IllegalStateException(policyName + ": no end after " + MAX_SIM_S + " s");
      }
      steps++;
      if (nActive == 0) {
        if (timers.isEmpty()) {
          throw new IllegalStateException(policyName + ": stuck at t=" + now);
        }
        now = Math.max(now, timers.peek().due);
        fireTimers();
        drainPending();
        continue;
      }
      fairShare.assign(active, nActive, links, pathLen, rate);
      double dt = stepLength();
      int nDone = advance(dt, done);
      now += dt;
      for (int i = 0; i < nDone; i++) {
        complete(done[i]);
      }
      fireTimers();
      drainPending();
    }
    return result(steps, (System.nanoTime() - start) / 1_000_000);
  }

  private double stepLength() {
    double next = Double.POSITIVE_INFINITY;
    double meanDuration = 0;
    for (int i = 0; i < nActive; i++) {
      int f = active[i];
      next = Math.min(next, remaining[f] / rate[f]);
      meanDuration += config.chunkLength(chunkOf[f]) / rate[f];
    }
    meanDuration /= nActive;
    if (!timers.isEmpty()) {
      next = Math.min(next, Math.max(0, timers.peek().due - now));
    }
    return Math.max(next, config.stepFraction() * meanDuration);
  }

  /** Moves every transfer on by {@code dt}; writes the ones that finished into {@code done}. */
  private int advance(double dt, int[] done) {
    int n = 0;
    for (int i = 0; i < nActive; i++) {
      int f = active[i];
      remaining[f] -= rate[f] * dt;
      if (remaining[f] <= 1e-6 * config.chunkBytes()) {
        done[n++] = f;
      }
    }
    return n;
  }

  private void complete(int f) {
    int d = dst[f];
    int c = chunkOf[f];
    long len = config.chunkLength(c);
    for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
      linkBytes[links[k]] += len;
    }
    int last = active[--nActive];
    active[posInActive[f]] = last;
    posInActive[last] = posInActive[f];
    free[nFree++] = f;
    busy[d]--;
    if (src[f] == Fabric.ORIGIN || fabric.rackOf(src[f]) != fabric.rackOf(d)) {
      crossingIn[fabric.rackOf(d)]--;
    }
    if (++held[d] == chunks) {
      doneAt[d] = now;
      finished++;
    }
    holders.add(d, c);
    if (picker != null) {
      picker.landed(fabric.rackOf(d), c);
    }
    if (wake) {
      wakeAll(rackWaiters, c * fabric.racks() + fabric.rackOf(d));
      wakeAll(zoneWaiters, c * fabric.zones() + fabric.zoneOf(d));
    }
    markPending(d);
  }

  private void wakeAll(ArrayList<Wait>[] lists, int key) {
    ArrayList<Wait> ws = lists[key];
    if (ws == null) {
      return;
    }
    lists[key] = null;
    for (Wait w : ws) {
      if (w.live) {
        w.live = false;
        ask(w.host, w.chunk, w.since);
      }
    }
  }

  private void fireTimers() {
    while (!timers.isEmpty() && timers.peek().due <= now + 1e-12) {
      Wait w = timers.poll();
      if (w.live) {
        w.live = false;
        if (w.chunk < 0) {
          pumpTimer[w.host] = null;
          markPending(w.host);
        } else {
          ask(w.host, w.chunk, w.since);
        }
      }
    }
  }

  private void markPending(int h) {
    if (!pendingFlag[h]) {
      pendingFlag[h] = true;
      pending.add(h);
    }
  }

  private void drainPending() {
    while (!pending.isEmpty()) {
      int h = pending.poll();
      pendingFlag[h] = false;
      if (picker != null) {
        pump(h);
        continue;
      }
      while (busy[h] < slots && cursor[h] < chunks) {
        busy[h]++;
        ask(h, order[h][cursor[h]++], now);
      }
    }
  }

  /**
   * "ours-pick": host {@code h} has free slots; it asks the distributor to pick among its first
   * unstarted chunks and starts what is picked (FetchScheduler.pump, with the pick answered at
   * once). {@code order[h][0..unstarted[h])} holds its unstarted chunks in its order.
   */
  private void pump(int h) {
    int n = unstarted[h];
    if (n == 0 || busy[h] >= slots) {
      return;
    }
    int want = slots - busy[h];
    int[] list = order[h];
    int got = picker.pick(h, list, Math.min(n, MAX_CANDIDATES), want, now, pickedAt, sourceOf);
    if (got == 0 && busy[h] == 0 && now - idleSince[h] >= config.maxWaitS()) {
      pickedAt[0] = 0;
      sourceOf[0] = Fabric.ORIGIN;
      got = 1;
    }
    for (int i = 0; i < got; i++) {
      busy[h]++;
      start(sourceOf[i], h, list[pickedAt[i]]);
    }
    if (got > 0) {
      java.util.Arrays.sort(pickedAt, 0, got);
      int w = pickedAt[0];
      for (int r = pickedAt[0], k = 0; r < n; r++) {
        if (k < got && r == pickedAt[k]) {
          k++;
        } else {
          list[w++] = list[r];
        }
      }
      unstarted[h] = n - got;
    }
    if (busy[h] > 0 || got > 0) {
      idleSince[h] = now;
    }
    if (got < want) {
      later(h, config.waitStepS());
    }
  }

  /** Pumps {@code h} again after {@code s}, unless a pump is already due sooner. */
  private void later(int h, double s) {
    double due = now + s;
    Wait t = pumpTimer[h];
    if (t != null) {
      if (t.due <= due) {
        return;
      }
      t.live = false;
    }
    t = new Wait(h, -1, now, due);
    pumpTimer[h] = t;
    timers.add(t);
  }

  /** Host {@code h} asks where to get {@code c}; it has been waiting for it since {@code since}. */
  private void ask(int h, int c, double since) {
    int source = policy.choose(h, c, now);
    if (source == SourcePolicy.WAIT_RACK || source == SourcePolicy.WAIT_ZONE) {
      if (now - since < config.maxWaitS()) {
        Wait w = new Wait(h, c, since, now + config.waitStepS());
        timers.add(w);
        if (wake) {
          park(source == SourcePolicy.WAIT_RACK ? rackWaiters : zoneWaiters,
              source == SourcePolicy.WAIT_RACK ? c * fabric.racks() + fabric.rackOf(h)
                  : c * fabric.zones() + fabric.zoneOf(h), w);
        }
        return;
      }
      source = Fabric.ORIGIN;
    }
    start(source, h, c);
  }

  private static void park(ArrayList<Wait>[] lists, int key, Wait w) {
    if (lists[key] == null) {
      lists[key] = new ArrayList<>(4);
    }
    lists[key].add(w);
  }

  private void start(int s, int d, int c) {
    int f = free[--nFree];
    src[f] = s;
    dst[f] = d;
    chunkOf[f] = c;
    remaining[f] = config.chunkLength(c);
    pathLen[f] = (byte) fabric.path(s, d, links, f * Fabric.MAX_PATH);
    if (s == Fabric.ORIGIN || fabric.rackOf(s) != fabric.rackOf(d)) {
      peakCrossing = Math.max(peakCrossing, ++crossingIn[fabric.rackOf(d)]);
    }
    posInActive[f] = nActive;
    active[nActive++] = f;
  }

  private SimResult result(long steps, long wallMs) {
    double model = config.modelBytes();
    double[] sorted = doneAt.clone();
    Arrays.sort(sorted);
    double inMax = 0, inSum = 0, outMax = 0, outSum = 0, zoneMax = 0;
    for (int r = 0; r < fabric.racks(); r++) {
      inMax = Math.max(inMax, linkBytes[fabric.rackDown(r)]);
      inSum += linkBytes[fabric.rackDown(r)];
      outMax = Math.max(outMax, linkBytes[fabric.rackUp(r)]);
      outSum += linkBytes[fabric.rackUp(r)];
    }
    for (int z = 0; z < fabric.zones(); z++) {
      zoneMax = Math.max(zoneMax, linkBytes[fabric.zoneDown(z)]);
    }
    return new SimResult(policyName, sorted[sorted.length - 1], sorted[sorted.length / 2],
        inMax / model, inSum / fabric.racks() / model, outMax / model,
        outSum / fabric.racks() / model, zoneMax / model, linkBytes[fabric.origin()] / model,
        peakCrossing, steps, wallMs);
  }
}
