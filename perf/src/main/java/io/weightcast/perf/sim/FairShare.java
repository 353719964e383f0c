package io.weightcast.perf.sim;

/**
 * Assigns each active transfer a rate that approximates max-min fairness over the links it
 * crosses, in a fixed number of passes over (transfer, link) pairs. Not thread-safe; reused by
 * one simulation.
 *
 * <p>Round 1: each link's share {@code s_l = c_l / n_l}; a transfer's rate is the smallest share
 * on its path. Rounds 2..R (bottleneck-share iteration): a transfer whose rate is below
 * {@code s_l} is limited elsewhere, so link {@code l} hands its leftover to the others:
 * {@code s_l = (c_l - sum of rates limited elsewhere) / (number limited here)}, and again
 * {@code rate = min over path of s_l}; a share never drops below round 1's {@code c_l / n_l}
 * (no max-min fair rate does), which keeps every rate positive. The fixed point of this iteration is the max-min fair
 * allocation; after R rounds the rates are clipped to be feasible: on a link carrying more than
 * its capacity every transfer is scaled by {@code c_l / load_l} (a transfer takes the smallest
 * factor on its path). So the answer never exceeds a capacity and errs low, if at all.
 */
public final class FairShare {
  private static final double TIE = 1e-9;

  private final Fabric fabric;
  private final int rounds;
  private final int[] count;
  private final double[] share;
  private final double[] sum;
  private final double[] equal;

  public FairShare(Fabric fabric, int rounds) {
    this.fabric = fabric;
    this.rounds = rounds;
    this.count = new int[fabric.links()];
    this.share = new double[fabric.links()];
    this.sum = new double[fabric.links()];
    this.equal = new double[fabric.links()];
  }

  /**
   * Sets {@code rate[f]} for each {@code f} in {@code active[0..n)}; transfer {@code f} crosses
   * {@code links[f * MAX_PATH .. + pathLen[f])}.
   */
  public void assign(int[] active, int n, int[] links, byte[] pathLen, double[] rate) {
    java.util.Arrays.fill(count, 0);
    for (int i = 0; i < n; i++) {
      int f = active[i];
      for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
        count[links[k]]++;
      }
    }
    for (int l = 0; l < share.length; l++) {
      share[l] = count[l] == 0 ? Double.POSITIVE_INFINITY : fabric.capacity(l) / count[l];
      equal[l] = share[l];
    }
    minShare(active, n, links, pathLen, rate);
    for (int round = 1; round < rounds; round++) {
      java.util.Arrays.fill(count, 0);
      java.util.Arrays.fill(sum, 0);
      for (int i = 0; i < n; i++) {
        int f = active[i];
        double r = rate[f];
        for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
          int l = links[k];
          if (r < share[l] * (1 - TIE)) {
            sum[l] += r;
          } else {
            count[l]++;
          }
        }
      }
      for (int l = 0; l < share.length; l++) {
        if (count[l] > 0) {
          share[l] = Math.max(equal[l], (fabric.capacity(l) - sum[l]) / count[l]);
        }
      }
      minShare(active, n, links, pathLen, rate);
    }
    clip(active, n, links, pathLen, rate);
  }

  private void minShare(int[] active, int n, int[] links, byte[] pathLen, double[] rate) {
    for (int i = 0; i < n; i++) {
      int f = active[i];
      double r = Double.POSITIVE_INFINITY;
      for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
        r = Math.min(r, share[links[k]]);
      }
      rate[f] = r;
    }
  }

  private void clip(int[] active, int n, int[] links, byte[] pathLen, double[] rate) {
    java.util.Arrays.fill(sum, 0);
    for (int i = 0; i < n; i++) {
      int f = active[i];
      for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
        sum[links[k]] += rate[f];
      }
    }
    for (int l = 0; l < share.length; l++) {
      double cap = fabric.capacity(l);
      share[l] = sum[l] > cap ? cap / sum[l] : 1;
    }
    for (int i = 0; i < n; i++) {
      int f = active[i];
      double factor = 1;
      for (int k = f * Fabric.MAX_PATH, e = k + pathLen[f]; k < e; k++) {
        factor = Math.min(factor, share[links[k]]);
      }
      rate[f] *= factor;
    }
  }
}
