package io.weightcast.perf.sim;

/**
 * The simulated network: one index per directed link, its capacity, and the links a transfer
 * crosses. Immutable.
 *
 * <p>Links: host NIC up and down; rack (top-of-rack) uplink up (out of the rack) and down (into
 * it); zone uplink up and down (to and from the core); the origin's egress. Inside a rack and
 * inside a zone's aggregation layer, and in the core, switching is non-blocking. The origin sits
 * in the core. Paths:
 * <pre>
 *   same rack:        src.up, dst.down
 *   same zone:        src.up, rack(src).up, rack(dst).down, dst.down
 *   other zone:       src.up, rack(src).up, zone(src).up, zone(dst).down, rack(dst).down, dst.down
 *   from the origin:  origin, zone(dst).down, rack(dst).down, dst.down
 * </pre>
 */
public final class Fabric {
  /** Source index meaning "the origin". */
  public static final int ORIGIN = -1;
  public static final int MAX_PATH = 6;

  private final int hosts;
  private final int racks;
  private final int zones;
  private final int[] rackOf;
  private final int[] zoneOfRack;
  private final double[] capacity;

  public Fabric(SimConfig c) {
    this.hosts = c.hosts();
    this.racks = c.racks();
    this.zones = c.zones();
    this.rackOf = new int[hosts];
    for (int h = 0; h < hosts; h++) {
      rackOf[h] = (int) ((long) h * racks / hosts);
    }
    this.zoneOfRack = new int[racks];
    for (int r = 0; r < racks; r++) {
      zoneOfRack[r] = (int) ((long) r * zones / racks);
    }
    this.capacity = new double[2 * hosts + 2 * racks + 2 * zones + 1];
    fill(0, 2 * hosts, SimConfig.bytesPerSecond(c.nicGbps()));
    fill(2 * hosts, 2 * racks, SimConfig.bytesPerSecond(c.rackUplinkGbps()));
    fill(2 * hosts + 2 * racks, 2 * zones, SimConfig.bytesPerSecond(c.zoneUplinkGbps()));
    capacity[origin()] = SimConfig.bytesPerSecond(c.originGbps());
  }

  private void fill(int from, int n, double v) {
    java.util.Arrays.fill(capacity, from, from + n, v);
  }

  public int hosts() {
    return hosts;
  }

  public int racks() {
    return racks;
  }

  public int zones() {
    return zones;
  }

  public int rackOf(int host) {
    return rackOf[host];
  }

  public int zoneOf(int host) {
    return zoneOfRack[rackOf[host]];
  }

  public int zoneOfRack(int rack) {
    return zoneOfRack[rack];
  }

  public int links() {
    return capacity.length;
  }

  public double capacity(int link) {
    return capacity[link];
  }

  public int hostUp(int h) {
    return h;
  }

  public int hostDown(int h) {
    return hosts + h;
  }

  public int rackUp(int r) {
    return 2 * hosts + r;
  }

  public int rackDown(int r) {
    return 2 * hosts + racks + r;
  }

  public int zoneUp(int z) {
    return 2 * hosts + 2 * racks + z;
  }

  public int zoneDown(int z) {
    return 2 * hosts + 2 * racks + zones + z;
  }

  public int origin() {
    return capacity.length - 1;
  }

  /** Writes the links from {@code src} (or {@link #ORIGIN}) to {@code dst} at {@code off}. */
  public int path(int src, int dst, int[] out, int off) {
    int rd = rackOf[dst];
    int zd = zoneOfRack[rd];
    int n = off;
    if (src == ORIGIN) {
      out[n++] = origin();
      out[n++] = zoneDown(zd);
      out[n++] = rackDown(rd);
    } else {
      int rs = rackOf[src];
      int zs = zoneOfRack[rs];
      out[n++] = hostUp(src);
      if (rs != rd) {
        out[n++] = rackUp(rs);
        if (zs != zd) {
          out[n++] = zoneUp(zs);
          out[n++] = zoneDown(zd);
        }
        out[n++] = rackDown(rd);
      }
    }
    out[n++] = hostDown(dst);
    return n - off;
  }
}
