package io.weightcast.perf.sim;

/**
 * Which hosts hold a verified copy of each chunk: per chunk, per (chunk, rack) and per
 * (chunk, zone), in the order the copies landed. Written by the simulation when a transfer
 * completes, read by the policies. Not thread-safe.
 */
public final class HolderIndex {
  /** A growable list of host indexes. */
  public static final class Hosts {
    private int[] items = new int[4];
    private int size;

    void add(int h) {
      if (size == items.length) {
        items = java.util.Arrays.copyOf(items, size * 2);
      }
      items[size++] = h;
    }

    public int size() {
      return size;
    }

    public int get(int i) {
      return items[i];
    }
  }

  private static final Hosts NONE = new Hosts();

  private final Fabric fabric;
  private final Hosts[] byChunk;
  private final Hosts[] byRack;
  private final Hosts[] byZone;

  public HolderIndex(Fabric fabric, int chunks) {
    this.fabric = fabric;
    this.byChunk = new Hosts[chunks];
    this.byRack = new Hosts[chunks * fabric.racks()];
    this.byZone = new Hosts[chunks * fabric.zones()];
  }

  public void add(int host, int chunk) {
    int r = fabric.rackOf(host);
    add(byChunk, chunk, host);
    add(byRack, chunk * fabric.racks() + r, host);
    add(byZone, chunk * fabric.zones() + fabric.zoneOfRack(r), host);
  }

  private static void add(Hosts[] lists, int key, int host) {
    Hosts l = lists[key];
    if (l == null) {
      l = new Hosts();
      lists[key] = l;
    }
    l.add(host);
  }

  public Hosts all(int chunk) {
    return orNone(byChunk[chunk]);
  }

  public Hosts inRack(int chunk, int rack) {
    return orNone(byRack[chunk * fabric.racks() + rack]);
  }

  public Hosts inZone(int chunk, int zone) {
    return orNone(byZone[chunk * fabric.zones() + zone]);
  }

  private static Hosts orNone(Hosts l) {
    return l == null ? NONE : l;
  }
}
