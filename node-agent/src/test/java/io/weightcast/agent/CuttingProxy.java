package io.weightcast.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP proxy on loopback that forwards to a target port and closes both sides of the first
 * {@code connectionsToCut} connections that carry more than {@code cutAfterBytes} bytes back
 * from the target: a connection dropped mid-transfer. Small exchanges pass untouched.
 */
final class CuttingProxy {
  private final Vertx vertx;
  private final long cutAfterBytes;
  private final AtomicInteger toCut;
  final AtomicInteger cuts = new AtomicInteger();
  private volatile int targetPort;
  private NetServer server;

  CuttingProxy(Vertx vertx, int connectionsToCut, long cutAfterBytes) {
    this.vertx = vertx;
    this.toCut = new AtomicInteger(connectionsToCut);
    this.cutAfterBytes = cutAfterBytes;
  }

  Future<Integer> listen() {
    server = vertx.createNetServer().connectHandler(this::accept);
    return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
  }

  void target(int port) {
    targetPort = port;
  }

  private void accept(NetSocket client) {
    client.pause();
    vertx.createNetClient().connect(targetPort, "127.0.0.1").onSuccess(upstream -> {
      long[] returned = {0};
      client.handler(upstream::write);
      upstream.handler(buf -> {
        returned[0] += buf.length();
        if (returned[0] > cutAfterBytes && returned[0] - buf.length() <= cutAfterBytes
            && toCut.getAndDecrement() > 0) {
          cuts.incrementAndGet();
          client.close();
          upstream.close();
          return;
        }
        client.write(buf);
      });
      client.closeHandler(v -> upstream.close());
      upstream.closeHandler(v -> client.close());
      client.resume();
    }).onFailure(e -> client.close());
  }

  Future<Void> close() {
    return server.close();
  }
}
