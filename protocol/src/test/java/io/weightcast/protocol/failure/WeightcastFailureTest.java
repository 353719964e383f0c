package io.weightcast.protocol.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class WeightcastFailureTest {
  private static final List<WeightcastFailure> ALL = List.of(
      new DigestMismatch("m"), new ChunkNotFound("m"), new NoSpace("m"), new InvalidManifest("m"),
      new InvalidArgument("m"), new InvalidTransition("m"), new NotFound("m"),
      new Unavailable("m"));

  @Test
  void rebuildsEveryFailureFromItsCode() {
    for (WeightcastFailure f : ALL) {
      WeightcastFailure back = WeightcastFailure.fromCode(f.code(), "again");
      assertSame(f.getClass(), back.getClass(), f.code());
      assertEquals("again", back.getMessage());
    }
  }

  @Test
  void codesAreDistinctSnakeCase() {
    Set<String> codes = new HashSet<>();
    for (WeightcastFailure f : ALL) {
      assertTrue(f.code().matches("[a-z_]+"), f.code());
      assertTrue(codes.add(f.code()), f.code());
    }
  }

  @Test
  void onlyTransientFailuresAreRetryable() {
    for (WeightcastFailure f : ALL) {
      boolean expected = f instanceof DigestMismatch || f instanceof ChunkNotFound
          || f instanceof Unavailable;
      assertEquals(expected, f.retryable(), f.code());
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"boom", "DIGEST_MISMATCH"})
  void treatsUnknownCodesAsUnavailable(String code) {
    assertInstanceOf(Unavailable.class, WeightcastFailure.fromCode(code, "x"));
  }

  @Test
  void keepsTheCause() {
    Exception cause = new IOException("disk");
    assertSame(cause, new NoSpace("full", cause).getCause());
  }
}
