package io.weightcast.distributor.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.cluster.ClusterConfig;
import io.weightcast.protocol.cluster.ClusteredVertx;
import io.weightcast.protocol.topology.NodeLocation;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two distributors' {@link SharedTopology} on two real Hazelcast members (loopback, TCP-IP
 * join): what one learns or grants, the other ranks with. Each test uses its own chunks and
 * racks (grants and crossing slots live 10 s), so the shared maps need no reset between tests.
 */
@Tag("cluster")
class SharedTopologyTest {
  private static final String D1 = "http://d1";
  private static final String D2 = "http://d2";
  private static HazelcastInstance m1;
  private static HazelcastInstance m2;
  private final SharedTopology one = topology(m1, 0);
  private final SharedTopology two = topology(m2, 0);
  private final NodeLocation a = new NodeLocation("a", "z1", "r1", "http://a");
  private final NodeLocation b = new NodeLocation("b", "z1", "r1", "http://b");
  private final NodeLocation c = new NodeLocation("c", "z1", "r2", "http://c");

  @BeforeAll
  static void cluster() throws IOException {
    String name = "wc-topo-" + UUID.randomUUID().toString().substring(0, 8);
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    m1 = Hazelcast.newHazelcastInstance(ClusteredVertx.hazelcastConfig(
        new ClusterConfig(name, "127.0.0.1", p1, members, "")));
    m2 = Hazelcast.newHazelcastInstance(ClusteredVertx.hazelcastConfig(
        new ClusterConfig(name, "127.0.0.1", p2, members, "")));
  }

  @AfterAll
  static void shutdown() {
    m2.shutdown();
    m1.shutdown();
  }

  @Test
  void aCrossingGrantedByOneDistributorMakesTheRackWaitAtTheOther() {
    Digest chunk = chunk(1);
    assertEquals(List.of(D1), one.sources(a, chunk, D1).sources());
    assertTrue(two.sources(b, chunk, D2).waitForCopy(), "b's rack already has a copy coming");
    one.announce(a, List.of(chunk), Map.of(chunk, D1), true);
    assertEquals(List.of("http://a"), two.sources(b, chunk, D2).sources(),
        "d2 knows what a announced to d1 only");
  }

  @Test
  void anAgentFailingOverToTheOtherDistributorReusesItsOwnGrant() {
    Digest chunk = chunk(2);
    assertEquals(List.of(D1), one.sources(a, chunk, D1).sources());
    assertEquals(List.of(D2), two.sources(a, chunk, D2).sources(),
        "a's own slot is renewed, not waited for");
    assertTrue(two.sources(b, chunk, D2).waitForCopy(), "still one crossing for the rack");
  }

  @Test
  void aFailureReportedAtOneDistributorReleasesTheGrantForBoth() {
    Digest chunk = chunk(3);
    one.sources(a, chunk, D1);
    two.reportFailure(a, D1, chunk, D2);
    assertFalse(one.sources(b, chunk, D1).waitForCopy());
  }

  @Test
  void aFailureReportedGoingOnKeepsTheGrantForBoth() {
    Digest chunk = chunk(10);
    one.sources(a, chunk, D1);
    two.reportFailure(a, "http://c", chunk, D2, true);
    assertTrue(one.sources(b, chunk, D1).waitForCopy(), "a goes on to its next source");
    two.reportFailure(a, D1, chunk, D2, false);
    assertFalse(one.sources(b, chunk, D1).waitForCopy());
  }

  @Test
  void aFullAnnouncementReplacesWhatTheNodeHeldAndTheLogIsKeptOnce() {
    Digest chunk = chunk(4);
    one.announce(c, List.of(chunk), Map.of(chunk, D1), false);
    two.announce(c, List.of(chunk), Map.of(chunk, D1), false);
    assertEquals(1, one.transfers().stream().filter(t -> t.chunk().equals(chunk)).count(),
        "the same announcement sent to both distributors is logged once");
    assertEquals("origin", two.transfers().stream().filter(t -> t.chunk().equals(chunk))
        .findFirst().orElseThrow().fromRack());
    two.announce(c, List.of(), Map.of(), true);
    NodeLocation g = new NodeLocation("g", "z1", "r7", "http://g");
    assertEquals(List.of(D1), one.sources(g, chunk, D1).sources(),
        "c restarted empty: not offered any more");
  }

  @Test
  void atMostTheCapOfChunksCrossIntoARackAtOnceAcrossDistributors() {
    NodeLocation e = new NodeLocation("e", "z9", "r9", "http://e");
    NodeLocation f = new NodeLocation("f", "z9", "r9", "http://f");
    SharedTopology cappedOne = topology(m1, 2);
    SharedTopology cappedTwo = topology(m2, 2);
    cappedOne.announce(e, List.of(), Map.of(), true);
    cappedTwo.announce(f, List.of(), Map.of(), true);
    assertFalse(cappedOne.sources(e, chunk(5), D1).waitForCopy());
    assertFalse(cappedTwo.sources(f, chunk(6), D2).waitForCopy());
    assertTrue(cappedOne.sources(f, chunk(7), D1).waitForCopy(), "a third crossing waits (cap 2)");
    cappedTwo.announce(e, List.of(chunk(5)), Map.of(chunk(5), D1), false);
    assertFalse(cappedOne.sources(f, chunk(7), D1).waitForCopy(), "chunk 5 landed: a slot is free");
    cappedTwo.announce(f, List.of(chunk(8)), Map.of(), false);
    assertEquals(Map.of(chunk(8), new FleetTopology.Answer(List.of("http://f"), false, false)),
        cappedOne.pick(e, List.of(chunk(9), chunk(8)), 2, D1),
        "the cap is spent (6 and 7 crossing): a pick gives only what a rack-mate holds");
  }

  /**
   * Lease 3 s (whole seconds: Hazelcast's expiry is not to the millisecond): a crossing renewed at
   * the other distributor (agents announce to every one) 2 s after it started still holds its
   * rack's slots at 4 s, and under the cap; once no longer renewed it lapses.
   */
  @Test
  void aRenewedCrossingOutlivesItsLeaseAtBothDistributors() throws InterruptedException {
    NodeLocation e = new NodeLocation("e", "z8", "r8", "http://e");
    NodeLocation f = new NodeLocation("f", "z8", "r8", "http://f");
    SharedTopology leasedOne = topology(m1, 1, 3_000);
    SharedTopology leasedTwo = topology(m2, 1, 3_000);
    leasedOne.announce(e, List.of(), Map.of(), true);
    leasedOne.announce(f, List.of(), Map.of(), true);
    assertFalse(leasedOne.sources(e, chunk(20), D1).waitForCopy());
    Thread.sleep(2_000);
    leasedTwo.renewCrossings(e, List.of(chunk(20)));
    Thread.sleep(2_000);
    assertTrue(leasedOne.sources(f, chunk(20), D1).waitForCopy(), "e's crossing was renewed");
    assertTrue(leasedOne.sources(f, chunk(21), D1).waitForCopy(),
        "and it still holds the rack's only slot under the cap");
    Thread.sleep(3_100);
    assertFalse(leasedOne.sources(f, chunk(20), D1).waitForCopy(), "not renewed: it lapsed");
  }

  private static SharedTopology topology(HazelcastInstance hz, int rackCrossings) {
    return topology(hz, rackCrossings, 10_000);
  }

  private static SharedTopology topology(HazelcastInstance hz, int rackCrossings, long leaseMs) {
    return new SharedTopology(hz, 3, 1, 1, System::currentTimeMillis, leaseMs, 30_000, 3,
        rackCrossings);
  }

  private static Digest chunk(int i) {
    return Digest.sha256(new byte[] {(byte) i});
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
