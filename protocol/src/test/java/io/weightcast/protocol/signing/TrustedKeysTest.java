package io.weightcast.protocol.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weightcast.protocol.ChunkSpec;
import io.weightcast.protocol.CommittedVersion;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.FileEntry;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.failure.UntrustedVersion;
import io.weightcast.protocol.testing.ExternalTools;
import io.weightcast.protocol.wire.RegistryMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {
  @TempDir Path dir;

  private static Manifest manifest(String version, int seed) {
    byte[] data = new byte[] {(byte) seed, 2, 3};
    Digest d = Digest.sha256(data);
    return new Manifest("m", version, Manifest.MIN_CHUNK_SIZE, List.of(new FileEntry("w.bin", 3,
        d, List.of(new ChunkSpec(0, 0, 3, d)))));
  }

  private static CommittedVersion signed(Manifest m, ManifestSigner signer) {
    return CommittedVersion.of(m, 1, 0, Optional.of(signer.sign(m.digest())));
  }

  @Test
  void acceptsAVersionSignedByATrustedKeyAndRefusesUnsignedOrOtherKeys() {
    KeyPair trusted = Ed25519Keys.generate();
    KeyPair other = Ed25519Keys.generate();
    TrustedKeys keys = TrustedKeys.of(List.of(trusted.getPublic()));
    Manifest m = manifest("v1", 1);

    assertDoesNotThrow(() -> keys.check(signed(m, new ManifestSigner(trusted.getPrivate()))));
    UntrustedVersion unsigned = assertThrows(UntrustedVersion.class,
        () -> keys.check(CommittedVersion.of(m, 1, 0)));
    assertTrue(unsigned.getMessage().contains("unsigned"), unsigned.getMessage());
    UntrustedVersion wrongKey = assertThrows(UntrustedVersion.class,
        () -> keys.check(signed(m, new ManifestSigner(other.getPrivate()))));
    assertTrue(wrongKey.getMessage().contains(Ed25519Keys.keyId(other.getPublic()))
        && wrongKey.getMessage().contains("does not trust"), wrongKey.getMessage());
  }

  @Test
  void refusesAManifestChangedAfterSigningEvenWithARecomputedDigest() {
    KeyPair pair = Ed25519Keys.generate();
    ManifestSigner signer = new ManifestSigner(pair.getPrivate());
    TrustedKeys keys = TrustedKeys.of(List.of(pair.getPublic()));
    ManifestSignature overV1 = signer.sign(manifest("v1", 1).digest());
    // Same name, other content, the digest field consistent with the new content.
    Manifest tampered = manifest("v1", 9);
    UntrustedVersion e = assertThrows(UntrustedVersion.class, () -> keys.check(
        CommittedVersion.of(tampered, 1, 0, Optional.of(overV1))));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    // A signature of v1 does not carry over to another version name either.
    assertThrows(UntrustedVersion.class, () -> keys.check(
        CommittedVersion.of(manifest("v2", 1), 1, 0, Optional.of(overV1))));
    // Nor does a flipped bit.
    byte[] flipped = overV1.signature();
    flipped[5] ^= 1;
    assertThrows(UntrustedVersion.class, () -> keys.check(CommittedVersion.of(manifest("v1", 1),
        1, 0, Optional.of(new ManifestSignature(overV1.keyId(), flipped)))));
  }

  @Test
  void withoutTrustedKeysEveryVersionIsAccepted() {
    assertDoesNotThrow(() -> TrustedKeys.NONE.check(CommittedVersion.of(manifest("v1", 1), 1, 0)));
    assertEquals(false, TrustedKeys.NONE.enforced());
  }

  @Test
  void keyFilesRoundTripAndThePublicKeyIsDerivedFromThePrivateOne() {
    KeyPair pair = Ed25519Keys.generate();
    Path prefix = dir.resolve("keys/release");
    Ed25519Keys.write(pair, prefix);
    ManifestSigner signer = ManifestSigner.fromFile(dir.resolve("keys/release.key"));
    TrustedKeys keys = TrustedKeys.fromFiles(List.of(dir.resolve("keys/release.pub")));
    assertEquals(List.of(Ed25519Keys.keyId(pair.getPublic())), keys.keyIds());
    assertEquals(Ed25519Keys.keyId(pair.getPublic()), signer.keyId());
    assertArrayEquals(pair.getPublic().getEncoded(),
        Ed25519Keys.publicKeyOf(pair.getPrivate()).getEncoded());
    assertDoesNotThrow(() -> keys.check(signed(manifest("v1", 1), signer)));
    assertThrows(IllegalArgumentException.class, () -> Ed25519Keys.write(pair, prefix),
        "never overwrites a key");
  }

  @Test
  void readsKeysMadeByOpensslAndAgreesOnThePublicKey() throws Exception {
    assumeTrue(ExternalTools.available("openssl"), "openssl not installed");
    Path key = dir.resolve("o.key");
    Files.write(key, ExternalTools.run(new byte[0], "openssl", "genpkey", "-algorithm",
        "ed25519"));
    Files.write(dir.resolve("o.pub"), ExternalTools.run(Files.readAllBytes(key), "openssl",
        "pkey", "-pubout"));
    ManifestSigner signer = ManifestSigner.fromFile(key);
    TrustedKeys keys = TrustedKeys.fromFiles(List.of(dir.resolve("o.pub")));
    assertEquals(List.of(signer.keyId()), keys.keyIds());
    assertDoesNotThrow(() -> keys.check(signed(manifest("v1", 1), signer)));
  }

  @Test
  void signatureSurvivesTheWireMapping() {
    ManifestSigner signer = new ManifestSigner(Ed25519Keys.generate().getPrivate());
    CommittedVersion v = signed(manifest("v1", 1), signer);
    CommittedVersion back = RegistryMapper.fromProto(RegistryMapper.toProto(v));
    assertEquals(v.signature(), back.signature());
    assertEquals(Optional.empty(), RegistryMapper.fromProto(RegistryMapper.toProto(
        CommittedVersion.of(manifest("v1", 1), 1, 0))).signature());
    assertEquals(v.signature().orElseThrow(),
        ManifestSignature.decode(v.signature().orElseThrow().encode()));
  }
}
