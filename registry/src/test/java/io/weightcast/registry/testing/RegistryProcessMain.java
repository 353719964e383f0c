package io.weightcast.registry.testing;

import io.vertx.core.Vertx;
import io.weightcast.registry.RegistryConfig;
import io.weightcast.registry.RegistryVerticle;
import java.nio.file.Path;

/** A registry in its own JVM, for tests that kill it with SIGKILL. Args: port dataDir. */
public final class RegistryProcessMain {
  private RegistryProcessMain() {}

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new RegistryVerticle(new RegistryConfig("127.0.0.1",
        Integer.parseInt(args[0]), Path.of(args[1])))).await();
    System.out.println("READY");
    System.out.flush();
  }
}
