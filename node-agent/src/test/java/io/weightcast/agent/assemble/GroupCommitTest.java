package io.weightcast.agent.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private static final long MS = 1_000_000;
  private static final long CHUNK = 64 * 1024;
  /** Three files of 10 chunks each. */
  private final Manifest manifest =
      AssemblyFixture.syntheticManifest("v1", CHUNK, 10 * CHUNK, 10 * CHUNK, 10 * CHUNK);
  private final List<ChunkLocation> chunks = AssemblyFixture.locations(manifest);

  @Test
  void aBatchIsDueOnceItsChunksHoldCommitBytes() {
    GroupCommit commit = new GroupCommit(3 * CHUNK, 1000 * MS);
    assertFalse(commit.add(chunks.get(0), 0));
    assertFalse(commit.add(chunks.get(1), 1));
    assertTrue(commit.add(chunks.get(2), 2), "three chunks pending");
    assertEquals(chunks.subList(0, 3), commit.drain());
    assertEquals(0, commit.pendingChunks());
    assertFalse(commit.add(chunks.get(3), 3), "the byte count starts over after a drain");
  }

  @Test
  void aBatchIsDueWhenItsOldestChunkHasWaitedCommitAge() {
    GroupCommit commit = new GroupCommit(100 * CHUNK, 200 * MS);
    assertFalse(commit.add(chunks.get(0), 1000 * MS));
    assertFalse(commit.add(chunks.get(1), 1199 * MS));
    assertTrue(commit.add(chunks.get(2), 1200 * MS), "the first chunk waited 200 ms");
    assertEquals(3, commit.drain().size());
    assertFalse(commit.add(chunks.get(3), 1300 * MS), "the age counts from the new oldest chunk");
  }

  @Test
  void zeroCommitBytesMakesEveryChunkDueOnItsOwn() {
    GroupCommit commit = new GroupCommit(0, 1000 * MS);
    assertTrue(commit.add(chunks.get(5), 0));
    assertEquals(List.of(chunks.get(5)), commit.drain());
  }

  @Test
  void drainingNothingGivesAnEmptyBatch() {
    assertTrue(new GroupCommit(CHUNK, MS).drain().isEmpty());
  }

  @Test
  void refusesNegativeLimits() {
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit(-1, MS));
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit(1, -1));
  }
}
