package io.weightcast.distributor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.weightcast.protocol.Digest;
import io.weightcast.protocol.Manifest;
import io.weightcast.protocol.wire.ChunkHttp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** PUT and POST missing against a real server: what is published, what is never left behind. */
@ExtendWith(VertxExtension.class)
class ChunkUploadTest {
  private static final int KIB = 1024;
  @TempDir Path dataDir;
  private DistributorFixture fx;
  private NetClient net;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    net = vertx.createNetClient();
    DistributorFixture.start(vertx, dataDir).onComplete(test.succeeding(f -> {
      fx = f;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    net.close().eventually(() -> fx.stop()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void secondPutOfStoredChunkAnswers200(VertxTestContext test) {
    byte[] chunk = TestChunks.bf16Like(256 * KIB, 1);
    fx.put(fx.h1, chunk)
        .compose(first -> fx.put(fx.h1, chunk).map(second -> List.of(first, second)))
        .onComplete(test.succeeding(replies -> test.verify(() -> {
          assertEquals(201, replies.get(0).status());
          assertEquals(200, replies.get(1).status());
          assertEquals(1, fx.filesUnder("chunks"));
          test.completeNow();
        })));
  }

  @Test
  void putWithWrongDigestIs422AndLeavesNothingBehind(VertxTestContext test) {
    byte[] chunk = TestChunks.random(300 * KIB, 2);
    Digest wrong = Digest.sha256(new byte[] {42});
    fx.put(fx.h2, wrong, chunk)
        .compose(put -> fx.head(fx.h2, wrong).map(head -> List.of(put, head)))
        .onComplete(test.succeeding(replies -> test.verify(() -> {
          assertEquals(422, replies.get(0).status());
          assertEquals("digest_mismatch", replies.get(0).json().getString("code"));
          assertEquals(404, replies.get(1).status());
          assertEquals(0, fx.filesUnder("chunks"));
          assertEquals(0, fx.filesUnder("staging"));
          test.completeNow();
        })));
  }

  @Test
  void truncatedPutPublishesNothingAndCleansStaging(VertxTestContext test) {
    byte[] chunk = TestChunks.random(4 * 1024 * KIB, 3);
    Digest digest = Digest.sha256(chunk);
    Buffer head = Buffer.buffer("PUT " + ChunkHttp.chunkPath(digest) + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Length: " + chunk.length + "\r\n\r\n");
    Buffer half = Buffer.buffer(chunk).getBuffer(0, chunk.length / 2);
    fx.onContext(() -> net.connect(fx.port(), DistributorFixture.HOST))
        .compose(socket -> socket.write(head).compose(v -> socket.write(half))
            // The upload must really be in staging before the client vanishes.
            .compose(v -> fx.eventually(() -> fx.filesUnder("staging") == 1, 5_000))
            .compose(v -> socket.close()))
        .compose(v -> fx.eventually(() -> fx.filesUnder("staging") == 0, 5_000))
        .compose(v -> fx.head(fx.h1, digest))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(404, reply.status());
          assertEquals(0, fx.filesUnder("chunks"));
          test.completeNow();
        })));
  }

  @Test
  void contentLengthAboveMaxChunkSizeIs413AndClosesTheConnection(VertxTestContext test) {
    Digest digest = Digest.sha256(new byte[] {7});
    Buffer head = Buffer.buffer("PUT " + ChunkHttp.chunkPath(digest) + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Length: " + (Manifest.MAX_CHUNK_SIZE + 1) + "\r\n\r\n");
    fx.onContext(() -> net.connect(fx.port(), DistributorFixture.HOST)
            .compose(socket -> socket.write(head).compose(v -> readUntilClosed(socket))))
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
          assertTrue(answer.contains("invalid_argument"), answer);
          test.completeNow();
        })));
  }

  /** Everything the server sends until it closes the connection. */
  private static Future<String> readUntilClosed(NetSocket socket) {
    Buffer received = Buffer.buffer();
    Promise<String> closed = Promise.promise();
    socket.handler(received::appendBuffer);
    socket.closeHandler(v -> closed.tryComplete(received.toString()));
    return closed.future();
  }

  @Test
  void missingReturnsExactlyTheAbsentDigests(VertxTestContext test) {
    byte[] a = TestChunks.random(8 * KIB, 4);
    byte[] b = TestChunks.zeros(8 * KIB);
    Digest absent1 = Digest.sha256(new byte[] {1});
    Digest absent2 = Digest.sha256(new byte[] {2});
    JsonArray asked = new JsonArray().add(absent1.hex()).add(Digest.sha256(a).hex())
        .add(absent2.hex()).add(Digest.sha256(b).hex()).add(absent1.hex());
    Buffer body = new JsonObject().put("digests", asked).toBuffer();
    fx.put(fx.h2, a)
        .compose(v -> fx.put(fx.h2, b))
        .compose(v -> fx.send(fx.h2, HttpMethod.POST, ChunkHttp.MISSING_PATH,
            Map.of("Content-Type", "application/json"), body))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(200, reply.status());
          assertEquals(new JsonArray().add(absent1.hex()).add(absent2.hex()),
              reply.json().getJsonArray("missing"));
          test.completeNow();
        })));
  }

  @Test
  void missingWithMalformedDigestIs400(VertxTestContext test) {
    Buffer body = new JsonObject().put("digests", new JsonArray().add("zz")).toBuffer();
    fx.send(fx.h1, HttpMethod.POST, ChunkHttp.MISSING_PATH, Map.of(), body)
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(400, reply.status());
          assertEquals("invalid_argument", reply.json().getString("code"));
          test.completeNow();
        })));
  }

  @Test
  void twentyConcurrentPutsShareOneHttp2Connection(VertxTestContext test) {
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      chunks.add(i % 2 == 0 ? TestChunks.bf16Like(512 * KIB, i) : TestChunks.random(512 * KIB, i));
    }
    List<Future<DistributorFixture.Reply>> puts = new ArrayList<>();
    for (byte[] chunk : chunks) {
      puts.add(fx.put(fx.h2, chunk));
    }
    Future.all(puts)
        .compose(all -> Future.all(chunks.stream().map(c -> fx.get(fx.h2, Digest.sha256(c)))
            .toList()))
        .onComplete(test.succeeding(gets -> test.verify(() -> {
          for (int i = 0; i < chunks.size(); i++) {
            assertEquals(201, puts.get(i).result().status(), "put " + i);
            DistributorFixture.Reply get = gets.resultAt(i);
            assertEquals(200, get.status(), "get " + i);
            assertEquals(Digest.sha256(chunks.get(i)), Digest.sha256(TestChunks.decode(
                io.weightcast.protocol.codec.Codec.fromWireName(
                    get.header(ChunkHttp.CODEC_HEADER)), get.body(), chunks.get(i).length)));
          }
          assertEquals(20, fx.filesUnder("chunks"));
          assertEquals(1, fx.h2Connections());
          test.completeNow();
        })));
  }
}
