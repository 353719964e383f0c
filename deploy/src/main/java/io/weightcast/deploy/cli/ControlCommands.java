package io.weightcast.deploy.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operators' control commands: {@code pin}, {@code unpin}, {@code rollback}, {@code pause},
 * {@code resume}. Each calls the registry's REST API, records {@code --actor} as who acted, and
 * prints the model's resulting policy.
 */
public final class ControlCommands {
  private ControlCommands() {}

  /** Options every control command shares. */
  abstract static class Base implements Callable<Integer> {
    @Option(names = "--registry", defaultValue = "localhost:7070",
        description = "Registry host:port (default ${DEFAULT-VALUE}).")
    String registry;

    @Option(names = "--actor", description = "Who is acting, recorded in the audit list"
        + " (default: $USER).")
    String actor;

    /** TLS trust and token flags (SECURITY.md). */
    @picocli.CommandLine.Mixin
    SecurityOptions security;

    abstract JsonObject act(RegistryRest rest) throws Exception;

    @Override
    public Integer call() {
      return CliSupport.exitCode(() -> {
        JsonObject p = act(new RegistryRest(registry,
            actor == null ? RegistryRest.defaultActor() : actor, security.client()));
        System.out.println(describe(p));
        return 0;
      });
    }
  }

  static String describe(JsonObject p) {
    return p.getString("model") + ": target " + p.getString("target", "-")
        + (p.getString("pinned") != null ? " (pinned)" : "")
        + (p.getJsonArray("withdrawn").isEmpty() ? "" : ", withdrawn " + p.getJsonArray("withdrawn")
            .encode())
        + (p.getJsonArray("paused").isEmpty() ? "" : ", paused " + p.getJsonArray("paused")
            .encode());
  }

  @Command(name = "pin", mixinStandardHelpOptions = true,
      description = "Make VERSION current on every agent (fetching it where needed).")
  public static final class Pin extends Base {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "VERSION") String version;

    @Override
    JsonObject act(RegistryRest rest) throws Exception {
      return rest.post("/v1/models/" + model + "/pin", new JsonObject().put("version", version));
    }
  }

  @Command(name = "unpin", mixinStandardHelpOptions = true,
      description = "Remove the pin: agents follow the newest version again.")
  public static final class Unpin extends Base {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Override
    JsonObject act(RegistryRest rest) throws Exception {
      return rest.post("/v1/models/" + model + "/unpin", null);
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Withdraw the model's current version: agents go back to the previous one.")
  public static final class Rollback extends Base {
    @Parameters(index = "0", paramLabel = "MODEL") String model;

    @Override
    JsonObject act(RegistryRest rest) throws Exception {
      return rest.post("/v1/models/" + model + "/rollback", null);
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause the rollout of MODEL VERSION: agents start no new fetch.")
  public static final class Pause extends Base {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "VERSION") String version;

    @Override
    JsonObject act(RegistryRest rest) throws Exception {
      return rest.post("/v1/rollouts/" + model + "/" + version + "/pause", null);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume a paused rollout.")
  public static final class Resume extends Base {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "VERSION") String version;

    @Override
    JsonObject act(RegistryRest rest) throws Exception {
      return rest.post("/v1/rollouts/" + model + "/" + version + "/resume", null);
    }
  }
}
