package io.weightcast.deploy.cli;

import io.weightcast.protocol.signing.Ed25519Keys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weightcast keygen --out PREFIX}: an Ed25519 key pair for signing manifests. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Create an Ed25519 key pair: PREFIX.key (PEM PKCS#8, for push --sign) and"
        + " PREFIX.pub (PEM X.509, for agent --trusted-key). Refuses to overwrite.")
public final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Path prefix of the two key files.")
  Path out;

  @Override
  public Integer call() {
    return CliSupport.exitCode(() -> {
      KeyPair pair = Ed25519Keys.generate();
      Ed25519Keys.write(pair, out);
      System.out.println("wrote " + out + ".key and " + out + ".pub (key id "
          + Ed25519Keys.keyId(pair.getPublic()) + ")");
      return 0;
    });
  }
}
