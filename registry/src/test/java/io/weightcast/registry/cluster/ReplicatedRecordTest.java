package io.weightcast.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.signing.Ed25519Keys;
import io.weightcast.protocol.signing.ManifestSigner;
import io.weightcast.protocol.signing.TrustedKeys;
import io.weightcast.registry.TestManifests;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record the cluster's IMap holds carries a version's signature to every registry. */
class ReplicatedRecordTest {
  @Test
  void aSignedVersionDecodesFromItsReplicatedRecordStillVerifying() {
    KeyPair pair = Ed25519Keys.generate();
    Manifest m = TestManifests.of("m", "v1", "1");
    CommittedVersion v = CommittedVersion.of(m, 7, 70,
        Optional.of(new ManifestSigner(pair.getPrivate()).sign(m.digest())));
    CommittedVersion back = ReplicatedVersions.decode(ReplicatedVersions.encode(v));
    assertEquals(v, back);
    TrustedKeys.of(List.of(pair.getPublic())).check(back);
    CommittedVersion unsigned = CommittedVersion.of(m, 8, 80);
    assertEquals(unsigned, ReplicatedVersions.decode(ReplicatedVersions.encode(unsigned)));
  }
}
