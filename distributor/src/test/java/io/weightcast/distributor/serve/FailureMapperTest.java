package io.weightcast.distributor.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weightcast.protocol.failure.ChunkNotFound;
import io.weightcast.protocol.failure.DigestMismatch;
import io.weightcast.protocol.failure.InvalidArgument;
import io.weightcast.protocol.failure.InvalidManifest;
import io.weightcast.protocol.failure.NoSpace;
import io.weightcast.protocol.failure.NotFound;
import io.weightcast.protocol.failure.Unavailable;
import io.weightcast.protocol.failure.WeightcastFailure;
import org.junit.jupiter.api.Test;

class FailureMapperTest {
  private static int status(Throwable t) {
    return FailureMapper.map(t).status();
  }

  @Test
  void typedFailuresMapToTheirStatusAndKeepTheirCode() {
    assertEquals(400, status(new InvalidArgument("x")));
    assertEquals(400, status(new InvalidManifest("x")));
    assertEquals(404, status(new ChunkNotFound("x")));
    assertEquals(404, status(new NotFound("x")));
    assertEquals(422, status(new DigestMismatch("x")));
    assertEquals(507, status(new NoSpace("x")));
    assertEquals(503, status(new Unavailable("x")));
    assertEquals(NoSpace.CODE, FailureMapper.map(new NoSpace("x")).code());
  }

  @Test
  void httpOnlyFailuresCarryTheInvalidArgumentCode() {
    assertEquals(413, status(new PayloadTooLarge("x")));
    assertEquals(416, status(new RangeNotSatisfiable("bytes=9-", 3)));
    assertEquals(InvalidArgument.CODE, FailureMapper.map(new PayloadTooLarge("x")).code());
  }

  @Test
  void anythingElseIsA500ThatClientsReadAsUnavailable() {
    FailureMapper.Mapped mapped = FailureMapper.map(new IllegalStateException("boom"));
    assertEquals(500, mapped.status());
    assertEquals(Unavailable.class,
        WeightcastFailure.fromCode(mapped.code(), mapped.message()).getClass());
  }
}
