package io.weightcast.registry.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.failure.InvalidTransition;
import io.weightcast.registry.TestManifests;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionCatalogTest {
  @Test
  void identicalRepublishFindsTheCommittedVersion() {
    VersionCatalog catalog = new VersionCatalog(List.of(
        CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 0)));
    assertEquals(1, catalog.existing(TestManifests.of("m", "v1", "1")).orElseThrow().sequence());
    assertTrue(catalog.existing(TestManifests.of("m", "v2", "1")).isEmpty());
  }

  @Test
  void republishWithOtherContentIsRefused() {
    VersionCatalog catalog = new VersionCatalog(List.of(
        CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 0)));
    InvalidTransition e = assertThrows(InvalidTransition.class,
        () -> catalog.existing(TestManifests.of("m", "v1", "other")));
    assertTrue(e.getMessage().contains("already committed with other content"), e.getMessage());
  }

  @Test
  void afterFiltersBySequenceAndModel() {
    VersionCatalog catalog = new VersionCatalog(List.of(
        CommittedVersion.of(TestManifests.of("a", "v1", "1"), 1, 0),
        CommittedVersion.of(TestManifests.of("b", "v1", "2"), 2, 0),
        CommittedVersion.of(TestManifests.of("a", "v2", "3"), 3, 0)));
    assertEquals(List.of(2L, 3L), catalog.after(1, List.of()).stream()
        .map(CommittedVersion::sequence).toList());
    assertEquals(List.of(3L), catalog.after(1, List.of("a")).stream()
        .map(CommittedVersion::sequence).toList());
    assertEquals(4, catalog.nextSequence());
    assertEquals(List.of(), catalog.after(99, List.of()));
  }

  @Test
  void leasesExpireUnlessRenewed() {
    long[] now = {1000};
    DistributorLeases leases = new DistributorLeases(() -> now[0]);
    leases.renew("d1", "http://a:1");
    now[0] += DistributorLeases.LEASE_MS / 2;
    leases.renew("d2", "http://b:2");
    assertEquals(List.of("http://a:1", "http://b:2"), leases.live());
    now[0] += DistributorLeases.LEASE_MS / 2 + 1;
    assertEquals(List.of("http://b:2"), leases.live());
  }
}
