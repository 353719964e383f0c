package io.weightcast.registry.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weightcast.protocol.NodeProgress;
import io.weightcast.protocol.NodeProgress.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutSummaryTest {
  private static NodeProgress p(String node, String zone, String rack, State s, long done,
      String error) {
    return new NodeProgress(node, zone, rack, "m", "v1", s, 0, 0, done, 100, 0, error, "", false, 0);
  }

  @Test
  void etaIsRemainingBytesOverTheSumOfRatesAndStragglersAreTheLeastDone() {
    List<NodeProgress> nodes = List.of(p("a", "z1", "r1", State.FETCHING, 50, ""),
        p("b", "z1", "r2", State.FETCHING, 10, ""), p("c", "z2", "r1", State.ACTIVE, 100, ""));
    Map<String, Double> rates = Map.of("a", 10.0, "b", 5.0, "c", 99.0);
    RolloutSummary s = RolloutSummary.of("m", "v1", nodes, n -> rates.get(n.nodeId()), false);
    assertEquals("rolling", s.state());
    assertEquals(15.0, s.rate(), 1e-9);
    assertEquals(140 / 15.0, s.etaSeconds(), 1e-9);
    assertEquals(List.of("b", "a"), s.stragglers().stream().map(n -> n.progress().nodeId())
        .toList());
    assertEquals(18.0, s.stragglers().get(0).etaSeconds(), 1e-9);
    assertEquals(List.of("z1", "z2"), List.copyOf(s.zones().keySet()));
    assertEquals(List.of("r1", "r2"), List.copyOf(s.zones().get("z1").keySet()));
  }

  @Test
  void statesFollowTheNodesAndThePause() {
    assertEquals("complete", RolloutSummary.of("m", "v1",
        List.of(p("a", "", "", State.ACTIVE, 100, "")), n -> 0, false).state());
    RolloutSummary failed = RolloutSummary.of("m", "v1", List.of(
        p("a", "", "", State.ACTIVE, 100, ""), p("b", "", "", State.FAILED, 3, "no space")),
        n -> 0, false);
    assertEquals("failed", failed.state());
    assertEquals("b", failed.errors().get(0).progress().nodeId());
    assertEquals("paused", RolloutSummary.of("m", "v1",
        List.of(p("a", "", "", State.FETCHING, 1, "")), n -> 0, true).state());
    assertNull(RolloutSummary.of("m", "v1", List.of(p("a", "", "", State.FETCHING, 1, "")),
        n -> 0, false).etaSeconds(), "no rate, no ETA");
  }

  @Test
  void rateIsBytesOverTimeAcrossTheWindowAndResetsWhenBytesGoBack() {
    RateWindow w = new RateWindow();
    assertEquals(0, w.rate());
    w.add(1_000, 0);
    w.add(2_000, 500);
    w.add(3_000, 2_000);
    assertEquals(1_000, w.rate(), 1e-9);
    w.add(30_000, 29_000);
    assertEquals(1_000, w.rate(), 1e-9, "old samples leave the window");
    w.add(31_000, 10);
    assertEquals(0, w.rate());
  }
}
