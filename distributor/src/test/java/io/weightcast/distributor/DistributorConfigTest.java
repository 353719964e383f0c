package io.weightcast.distributor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DistributorConfigTest {
  private static final Path DIR = Path.of("/tmp/wc");

  @Test
  void blankOptionalEndpointsBecomeNullAndDefaultToHostAndActualPort() {
    DistributorConfig c = new DistributorConfig(0, "10.0.0.5", DIR, " ", "", 2, 1);
    assertNull(c.registryEndpoint());
    assertNull(c.advertisedUrl());
    assertEquals("http://10.0.0.5:7443", c.advertisedBaseUrl(7443));
    assertEquals("10.0.0.5:7443", c.distributorId(7443));
  }

  @Test
  void advertisedUrlWinsAndLosesItsTrailingSlash() {
    DistributorConfig c = new DistributorConfig(7070, "0.0.0.0", DIR, "registry:9090",
        "http://dist-1.example:7070/", 2, 1);
    assertEquals("http://dist-1.example:7070", c.advertisedBaseUrl(7070));
    assertEquals("dist-1.example:7070", c.distributorId(7070));
  }

  @Test
  void invalidFieldsAreRejectedByName() {
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(70_000, "h", DIR, null, null, 2, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(0, " ", DIR, null, null, 2, 1));
    assertThrows(NullPointerException.class,
        () -> new DistributorConfig(0, "h", null, null, null, 2, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(0, "h", DIR, "no-port", null, 2, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(0, "h", DIR, null, "ftp://x:1", 2, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(0, "h", DIR, null, null, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DistributorConfig(0, "h", DIR, null, null, 2, 99));
  }
}
