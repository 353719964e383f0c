package io.weightcast.deploy;

import io.weightcast.deploy.cli.AgentCommand;
import io.weightcast.deploy.cli.ControlCommands;
import io.weightcast.deploy.cli.DemoCommand;
import io.weightcast.deploy.cli.DistributorCommand;
import io.weightcast.deploy.cli.KeygenCommand;
import io.weightcast.deploy.cli.PathCommand;
import io.weightcast.deploy.cli.PushCommand;
import io.weightcast.deploy.cli.RegistryCommand;
import io.weightcast.deploy.cli.StatusCommand;
import io.weightcast.deploy.cli.WaitCommand;
import io.weightcast.deploy.cli.VersionsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one runnable jar: every role and command of Weightcast as a picocli subcommand. */
@Command(name = "weightcast", mixinStandardHelpOptions = true, version = "weightcast 0.1.0",
    description = "Gets model weights onto fleets of GPU hosts fast, verified and atomically.",
    subcommands = {RegistryCommand.class, DistributorCommand.class, AgentCommand.class,
        PushCommand.class, VersionsCommand.class, StatusCommand.class, WaitCommand.class,
        PathCommand.class, KeygenCommand.class,
        DemoCommand.class, ControlCommands.Pin.class, ControlCommands.Unpin.class,
        ControlCommands.Rollback.class, ControlCommands.Pause.class, ControlCommands.Resume.class})
public final class WeightcastMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "warn");
    if (args.length > 0 && args[0].equals("demo")
        && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // The demo prints its own progress; the roles' INFO lines would interleave with it.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      // Every role of the demo shares one JVM and one Vert.x meter registry, so Micrometer warns
      // once that a second HTTP client's untagged gauge is already registered (it keeps one).
      System.setProperty("org.slf4j.simpleLogger.log.io.micrometer.core.instrument.MeterRegistry",
          "error");
    }
    int code = new CommandLine(new WeightcastMain()).execute(args);
    System.exit(code);
  }
}
