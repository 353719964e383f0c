package io.weightcast.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.weightcast.protocol.ModelPolicy;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyGateTest {
  private static ModelPolicy policy(String target, String pinned, String withdrawn, String paused) {
    TreeSet<String> w = new TreeSet<>();
    TreeSet<String> p = new TreeSet<>();
    if (withdrawn != null) {
      w.add(withdrawn);
    }
    if (paused != null) {
      p.add(paused);
    }
    return new ModelPolicy("m", Optional.ofNullable(target), Optional.ofNullable(pinned), w, p);
  }

  @Test
  void withoutAPolicyTheNewestActivates() {
    PolicyGate gate = PolicyGate.open();
    assertTrue(gate.mayActivate("m", "v2", true));
    assertFalse(gate.mayActivate("m", "v1", false));
  }

  @Test
  void aPinAllowsOnlyThePinnedVersion() {
    PolicyGate gate = PolicyGate.open();
    gate.apply(policy("v1", "v1", null, null));
    assertTrue(gate.mayActivate("m", "v1", false));
    assertFalse(gate.mayActivate("m", "v3", true));
  }

  @Test
  void aWithdrawnVersionNeverActivatesAndTheTargetAlwaysDoes() {
    PolicyGate gate = PolicyGate.open();
    gate.apply(policy("v2", null, "v3", null));
    assertFalse(gate.mayActivate("m", "v3", true));
    assertTrue(gate.mayActivate("m", "v2", false));
    assertTrue(gate.mayActivate("m", "v1", true), "a node with nothing newer still gets v1");
  }

  @Test
  void pausedFetchesWaitUntilResumedAndReportPausedOnce() {
    PolicyGate gate = PolicyGate.open();
    gate.apply(policy("v2", null, null, "v2"));
    AtomicInteger pausedReports = new AtomicInteger();
    Future<Void> a = gate.whenRunnable("m", "v2", pausedReports::incrementAndGet);
    Future<Void> b = gate.whenRunnable("m", "v2", pausedReports::incrementAndGet);
    assertTrue(gate.whenRunnable("m", "v1", pausedReports::incrementAndGet).succeeded());
    assertFalse(a.isComplete());
    assertEquals(2, gate.waitingFetches());
    assertEquals(1, pausedReports.get());
    gate.apply(policy("v2", null, null, null));
    assertTrue(a.succeeded() && b.succeeded());
    assertEquals(0, gate.waitingFetches());
  }
}
