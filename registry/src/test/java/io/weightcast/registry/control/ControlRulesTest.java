package io.weightcast.registry.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.registry.TestManifests;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControlRulesTest {
  private final List<CommittedVersion> versions = List.of(v("v1", 1), v("v2", 2), v("v3", 3));

  private static CommittedVersion v(String version, long seq) {
    return CommittedVersion.of(TestManifests.of("m", version, version), seq, 0);
  }

  @Test
  void targetIsThePinElseTheNewestVersionNotWithdrawn() {
    assertEquals(Optional.of("v3"), ModelControl.NONE.target(versions));
    ModelControl pinned = ControlRules.pin("m", versions, ModelControl.NONE, "v1");
    assertEquals(Optional.of("v1"), pinned.target(versions));
    ModelControl back = ControlRules.rollback("m", versions, ModelControl.NONE);
    assertEquals(Optional.of("v2"), back.target(versions));
    assertEquals(Set.of("v3"), back.withdrawn());
  }

  @Test
  void rollbackSkipsWithdrawnVersionsAndRefusesWhenNothingEarlierIsLeft() {
    ModelControl once = ControlRules.rollback("m", versions, ModelControl.NONE);
    ModelControl twice = ControlRules.rollback("m", versions, once);
    assertEquals(Optional.of("v1"), twice.target(versions));
    assertThrows(InvalidTransition.class, () -> ControlRules.rollback("m", versions, twice));
  }

  @Test
  void rollbackOfAPinnedVersionMovesThePinToTheVersionBefore() {
    ModelControl pinned = ControlRules.pin("m", versions, ModelControl.NONE, "v2");
    ModelControl back = ControlRules.rollback("m", versions, pinned);
    assertEquals(Optional.of("v1"), back.pinned());
    assertEquals(Set.of("v2"), back.withdrawn());
  }

  @Test
  void pinningAWithdrawnVersionUndoesItsWithdrawal() {
    ModelControl back = ControlRules.rollback("m", versions, ModelControl.NONE);
    ModelControl pinned = ControlRules.pin("m", versions, back, "v3");
    assertEquals(Set.of(), pinned.withdrawn());
  }

  @Test
  void refusesUnknownNamesBadNamesAndRepeatedPauses() {
    assertThrows(NotFound.class, () -> ControlRules.pin("m", versions, ModelControl.NONE, "v9"));
    assertThrows(NotFound.class, () -> ControlRules.rollback("x", List.of(), ModelControl.NONE));
    assertThrows(InvalidArgument.class,
        () -> ControlRules.pin("m", versions, ModelControl.NONE, "../x"));
    assertThrows(InvalidArgument.class,
        () -> ControlRules.unpin("bad name", versions, ModelControl.NONE));
    assertThrows(InvalidTransition.class, () -> ControlRules.unpin("m", versions,
        ModelControl.NONE));
    ModelControl paused = ControlRules.pause("m", versions, ModelControl.NONE, "v3", true);
    assertEquals(Set.of("v3"), paused.paused());
    assertThrows(InvalidTransition.class,
        () -> ControlRules.pause("m", versions, paused, "v3", true));
    assertEquals(Set.of(), ControlRules.pause("m", versions, paused, "v3", false).paused());
  }
}
