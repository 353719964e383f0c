package io.weightcast.protocol;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.testing.MaliciousManifests;
import io.weightcast.protocol.wire.RegistryMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile wire manifest of {@link MaliciousManifests} is refused where wire manifests become
 * records ({@link RegistryMapper}, used by the registry at publish and by agents on the watch
 * stream), as {@link InvalidManifest} with a message that says what is wrong.
 */
class MaliciousManifestCorpusTest {
  static List<MaliciousManifests.Case> corpus() {
    return MaliciousManifests.cases();
  }

  @Test
  void theBaseOfTheCorpusIsValid() {
    Manifest m = RegistryMapper.fromProto(MaliciousManifests.base());
    assertTrue(m.chunkCount() == 4, "base manifest " + m);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusesEveryCaseWithAClearMessage(MaliciousManifests.Case c) {
    InvalidManifest e = assertThrows(InvalidManifest.class,
        () -> RegistryMapper.fromProto(c.wire()));
    assertTrue(e.getMessage().contains(c.expected()),
        c.name() + ": expected '" + c.expected() + "' in: " + e.getMessage());
  }
}
