package io.weightcast.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weightcast.protocol.CommittedVersion;
import io.weightcast.registry.TestManifests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionLogTest {
  @TempDir Path dir;

  @Test
  void keepsEachVersionsSignatureAcrossReopenAndReadsUnsignedRecordsAsBefore() {
    io.weightcast.protocol.signing.ManifestSigner signer =
        new io.weightcast.protocol.signing.ManifestSigner(
            io.weightcast.protocol.signing.Ed25519Keys.generate().getPrivate());
    CommittedVersion signed = CommittedVersion.of(TestManifests.of("m", "v2", "2"), 2, 20,
        java.util.Optional.of(signer.sign(TestManifests.of("m", "v2", "2").digest())));
    try (VersionLog log = VersionLog.open(dir)) {
      log.append(CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 10));
      log.append(signed);
    }
    try (VersionLog log = VersionLog.open(dir)) {
      List<CommittedVersion> replayed = log.replayed();
      assertEquals(java.util.Optional.empty(), replayed.get(0).signature());
      assertEquals(signed.signature(), replayed.get(1).signature());
      assertEquals(signed.manifestDigest(), replayed.get(1).manifestDigest());
    }
  }

  @Test
  void replaysAppendedVersionsInOrderAfterReopen() {
    try (VersionLog log = VersionLog.open(dir)) {
      log.append(CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 10));
      log.append(CommittedVersion.of(TestManifests.of("m", "v2", "2"), 2, 20));
    }
    try (VersionLog log = VersionLog.open(dir)) {
      List<CommittedVersion> replayed = log.replayed();
      assertEquals(2, replayed.size());
      assertEquals("v1", replayed.get(0).manifest().version());
      assertEquals(2, replayed.get(1).sequence());
      assertEquals(TestManifests.of("m", "v2", "2").digest(), replayed.get(1).manifestDigest());
      assertEquals(20, replayed.get(1).committedAtMs());
    }
  }

  @Test
  void cutsTornTailLeftByACrashMidAppend() throws IOException {
    try (VersionLog log = VersionLog.open(dir)) {
      log.append(CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 10));
      log.append(CommittedVersion.of(TestManifests.of("m", "v2", "2"), 2, 20));
    }
    Path file = dir.resolve("versions.log");
    long full = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(full - 7);
    }
    try (VersionLog log = VersionLog.open(dir)) {
      assertEquals(1, log.replayed().size());
      log.append(CommittedVersion.of(TestManifests.of("m", "v2b", "3"), 2, 30));
    }
    try (VersionLog log = VersionLog.open(dir)) {
      assertEquals(List.of("v1", "v2b"),
          log.replayed().stream().map(v -> v.manifest().version()).toList());
    }
  }

  @Test
  void stopsAtACorruptRecordInsteadOfReplayingGarbage() throws IOException {
    try (VersionLog log = VersionLog.open(dir)) {
      log.append(CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 10));
    }
    Path file = dir.resolve("versions.log");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 0x55;
    Files.write(file, bytes);
    try (VersionLog log = VersionLog.open(dir)) {
      assertEquals(0, log.replayed().size());
    }
  }

  @Test
  void refusesALogWhoseSequencesSkip() {
    try (VersionLog log = VersionLog.open(dir)) {
      log.append(CommittedVersion.of(TestManifests.of("m", "v1", "1"), 1, 10));
      log.append(CommittedVersion.of(TestManifests.of("m", "v3", "3"), 3, 30));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> VersionLog.open(dir));
    assertEquals("version log out of sequence: record 3 where 2 was expected", e.getMessage());
  }
}
