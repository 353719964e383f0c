package io.weightcast.deploy.cli;

import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code weightcast path MODEL}: prints the active version's directory, for {@code $(...)} in
 * scripts; exits 1 when no version is active, 5 when the agent says the model is unknown.
 */
@Command(name = "path", mixinStandardHelpOptions = true,
    description = {"Print the directory of MODEL's active version on this host.",
        "Exit: 0 printed, 1 none active, 5 unknown model, 2 bad usage."})
public final class PathCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "Model name.")
  String model;

  @Mixin LocalSourceOptions source = new LocalSourceOptions();

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      WaitCommand.requireNames(model, null);
      Vertx vertx = CliSupport.newVertx();
      try {
        ActivationWaiter waiter = new ActivationWaiter(vertx, model, null, source.dataDir(),
            source.agent);
        return WaitCommand.print(CliSupport.runOnContext(vertx, v -> waiter.once()));
      } finally {
        vertx.close().await();
      }
    });
  }
}
