package io.weightcast.agent.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The local API's access policy, purely (a real non-loopback client is not available here). */
class LocalAccessTest {
  @Test
  void servesEveryLoopbackAddressOnly() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "127.255.0.9", "::1",
        "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
      assertTrue(LocalAccess.permits(host, false), host);
    }
    for (String host : new String[] {"10.1.2.3", "192.168.0.7", "fe80::1", "::ffff:10.0.0.1",
        "0.0.0.0", "localhost", "evil.example", "", null}) {
      assertFalse(LocalAccess.permits(host, false), String.valueOf(host));
    }
  }

  @Test
  void localApiRemoteServesAnyAddress() {
    assertTrue(LocalAccess.permits("10.1.2.3", true));
    assertTrue(LocalAccess.permits("fe80::1", true));
  }
}
