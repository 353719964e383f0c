package io.weightcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 bodies sent whole from a direct slot, or streamed when no slot is free, arrive byte for
 * byte, and every slot comes back; HTTP/1.1 still uses sendfile. Real h2c server on loopback.
 */
class FileBodiesTest {
  private static final int MIB = 1 << 20;
  @TempDir Path dir;
  private Vertx vertx;
  private HttpServer server;
  private HttpClient h2;
  private HttpClient h1;
  private Path file;
  private byte[] bytes;

  @BeforeEach
  void start() throws Exception {
    bytes = new byte[9 * MIB + 123];
    new Random(5).nextBytes(bytes);
    file = Files.write(dir.resolve("frames"), bytes);
    // A blocked event loop (e.g. a file read on it) fails loudly.
    vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    server = vertx.createHttpServer(Http2Tuning.serverOptions("127.0.0.1", 0))
        .requestHandler(req -> {
          long off = Long.parseLong(req.getParam("off"));
          long len = Long.parseLong(req.getParam("len"));
          FileBodies.send(vertx.fileSystem(), req.response(), req.version(), file.toString(),
              off, len).onFailure(e -> req.response().reset());
        });
    server.listen().await();
    h2 = vertx.createHttpClient(Http2Tuning.clientOptions(64, 10_000));
    h1 = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void manyConcurrentRangesOverHttp2ArriveIntactAndReturnEverySlot() {
    // More requests than slots: some go whole from a slot, the rest are streamed.
    List<long[]> ranges = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ranges.add(new long[] {i * 333_331L, MIB / 2 + i * 50_000L});
    }
    ranges.add(new long[] {0, 8 * MIB});              // exactly one slot
    ranges.add(new long[] {0, bytes.length});          // larger than a slot: streamed
    ranges.add(new long[] {bytes.length - 5, 5});      // the tail
    ranges.add(new long[] {17, 0});                    // empty
    List<Buffer> bodies = onContext(() -> Future.all(ranges.stream()
        .map(r -> get(h2, r[0], r[1])).toList()).map(cf -> cf.<Buffer>list()));
    for (int i = 0; i < ranges.size(); i++) {
      long[] r = ranges.get(i);
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) r[0], (int) (r[0] + r[1])),
          bodies.get(i).getBytes(), "range " + r[0] + "+" + r[1]);
    }
    assertEquals(0, FileBodies.slotsInUse());
  }

  @Test
  void http1RangesUseSendfileAndArriveIntact() {
    Buffer body = onContext(() -> get(h1, 4 * MIB + 3, 2 * MIB));
    assertArrayEquals(Arrays.copyOfRange(bytes, 4 * MIB + 3, 6 * MIB + 3), body.getBytes());
  }

  @Test
  void aClientThatResetsMidBodyStillReturnsTheSlot() {
    onContext(() -> h2.request(options(0, 8 * MIB)).compose(req -> req.send())
        .compose(resp -> {
          Promise<Void> reset = Promise.promise();
          resp.handler(data -> {
            if (!reset.future().isComplete()) {
              resp.request().reset();
              reset.complete();
            }
          });
          return reset.future();
        }));
    // The server learns of the reset asynchronously; a follow-up request on the same
    // connection is answered after it, and then nothing is lent out.
    Buffer after = onContext(() -> get(h2, 1, 10));
    assertArrayEquals(Arrays.copyOfRange(bytes, 1, 11), after.getBytes());
    assertEquals(0, FileBodies.slotsInUse());
  }

  @Test
  void slotsAreBoundedAndReused() throws Exception {
    BodySlots slots = new BodySlots(2);
    ByteBuffer a = slots.tryTake(10);
    ByteBuffer b = slots.tryTake(BodySlots.SLOT_BYTES);
    assertNull(slots.tryTake(1), "a third slot beyond the bound");
    assertNull(new BodySlots(4).tryTake(BodySlots.SLOT_BYTES + 1L), "larger than a slot");
    assertEquals(10, a.remaining());
    slots.give(a);
    ByteBuffer again = slots.tryTake(100);
    assertEquals(100, again.remaining());
    assertEquals(2, slots.lentOut());
    slots.give(again);
    slots.give(b);
    assertEquals(0, slots.lentOut());
    assertThrows(EOFException.class,
        () -> FileBodies.readFully(file, bytes.length - 4, ByteBuffer.allocateDirect(8)));
  }

  private Future<Buffer> get(HttpClient client, long off, long len) {
    return client.request(options(off, len)).compose(req -> req.send())
        .compose(resp -> {
          assertEquals(client == h2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1, resp.version());
          return resp.body();
        });
  }

  private RequestOptions options(long off, long len) {
    return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/f?off=" + off + "&len=" + len).setTimeout(10_000);
  }

  /** Runs {@code call} on a Vert.x context (see STACK-NOTES: h2 client calls from a context). */
  private <T> T onContext(java.util.function.Supplier<Future<T>> call) {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> call.get().onComplete(p));
    return p.future().await();
  }
}
