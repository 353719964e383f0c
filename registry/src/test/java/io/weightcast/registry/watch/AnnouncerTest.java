package io.weightcast.registry.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.registry.TestManifests;
import io.weightcast.registry.catalog.VersionCatalog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnouncerTest {
  @Test
  void replaysThenStreamsLiveWithoutGapOrRepeat() {
    VersionCatalog catalog = new VersionCatalog(List.of(
        CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 0),
        CommittedVersion.of(TestManifests.of("m", "v2", "2"), 2, 0)));
    Announcer announcer = new Announcer(catalog);
    List<Long> seen = new ArrayList<>();
    Announcer.Subscription sub = announcer.subscribe(1, List.of(), v -> seen.add(v.sequence()));
    CommittedVersion v3 = CommittedVersion.of(TestManifests.of("m", "v3", "3"), 3, 0);
    catalog.add(v3);
    announcer.announce(v3);
    assertEquals(List.of(2L, 3L), seen);
    sub.cancel();
    CommittedVersion v4 = CommittedVersion.of(TestManifests.of("m", "v4", "4"), 4, 0);
    catalog.add(v4);
    announcer.announce(v4);
    assertEquals(List.of(2L, 3L), seen);
    assertEquals(0, announcer.subscriberCount());
  }

  @Test
  void deliversOnlyTheWatchedModels() {
    VersionCatalog catalog = new VersionCatalog(List.of());
    Announcer announcer = new Announcer(catalog);
    List<String> seen = new ArrayList<>();
    announcer.subscribe(0, List.of("b"), v -> seen.add(v.manifest().id()));
    for (String model : List.of("a", "b", "a")) {
      CommittedVersion v = CommittedVersion.of(TestManifests.of(model, "v" + catalog.nextSequence(),
          model), catalog.nextSequence(), 0);
      catalog.add(v);
      announcer.announce(v);
    }
    assertEquals(List.of("b/v2"), seen);
  }
}
