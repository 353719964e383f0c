package io.weightcast.agent.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.testing.ModelFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm-up and page locking on real files (mlock may be refused: then the note says why). */
class PageCacheWarmerTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  private Manifest model(String version, long bytes, long seed) {
    Path src = dir.resolve(version);
    ModelFixture.write(src, bytes, seed);
    return ModelFixture.manifestOf(src, "m", version, MIB);
  }

  @Test
  void warmsEveryByteOfTheVersionWithoutLockingByDefault() throws Exception {
    Manifest m = model("v1", 3 * MIB + 11, 1);
    WarmReport r = new PageCacheWarmer(true, 0).warm(dir.resolve("v1"), m);
    assertEquals(m.totalBytes(), r.totalBytes());
    assertEquals(m.totalBytes(), r.warmedBytes());
    assertEquals(0, r.lockedBytes());
    assertEquals("", r.note());
  }

  @Test
  void aLockBudgetSmallerThanTheModelLocksWhatFitsAndSaysSo() throws Exception {
    Manifest m = model("v1", 4 * MIB, 2);
    PageCacheWarmer warmer = new PageCacheWarmer(true, MIB + 100);
    WarmReport r = warmer.warm(dir.resolve("v1"), m);
    assertEquals(m.totalBytes(), r.warmedBytes(), "everything is still warmed");
    assertTrue(r.lockedBytes() <= MIB + 100, "locked " + r.lockedBytes());
    assertTrue(r.note().startsWith("locked "), r.note());
    assertTrue(r.note().contains("lock budget") || r.note().contains("mlock failed"), r.note());
    assertEquals(r.lockedBytes(), warmer.lockedBytes());
  }

  @Test
  void warmingTheNextVersionReleasesTheLocksOfThePreviousOne() throws Exception {
    PageCacheWarmer warmer = new PageCacheWarmer(true, 64 * MIB);
    WarmReport first = warmer.warm(dir.resolve("v1"), model("v1", 2 * MIB, 3));
    WarmReport second = warmer.warm(dir.resolve("v2"), model("v2", 3 * MIB, 4));
    assertEquals(second.lockedBytes(), warmer.lockedBytes());
    assertTrue(first.lockedBytes() == first.totalBytes() || !first.note().isEmpty(),
        first.toString());
    warmer.releaseAll();
    assertEquals(0, warmer.lockedBytes());
    assertEquals(second, warmer.report("m", "v2").orElseThrow());
    assertTrue(warmer.report("m", "v1").isEmpty());
  }

  @Test
  void offWarmsNothing() throws Exception {
    Manifest m = model("v1", MIB, 5);
    WarmReport r = new PageCacheWarmer(false, 0).warm(dir.resolve("v1"), m);
    assertEquals(0, r.warmedBytes());
    assertEquals("warm-up off", r.note());
  }
}
