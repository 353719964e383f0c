package io.weightcast.perf.micro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the benchmarks' exact input bytes for the reference tools ({@code micro.sh}):
 * {@code DIR/bf16.bin} and {@code DIR/random.bin} (64 MiB each), and {@code DIR/codec-sizes.tsv}
 * with, per input ("bf16/1", "bf16/3", "random/1"), the size ratio {@code ChunkCodec} achieves:
 * {@code sum(encoded bytes of the 8 chunks) / sum(raw bytes)} (lower is better; 1.0 = stored raw).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.weightcast.perf.micro.MicroSampleMain DIR}
 */
public final class MicroSampleMain {
  private MicroSampleMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: MicroSampleMain DIR");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    StringBuilder sizes = new StringBuilder();
    for (String kind : new String[] {"bf16", "random"}) {
      ByteBuffer data = MicroData.bytes(kind);
      MicroData.writeFile(data, dir.resolve(kind + ".bin"));
      for (int level : kind.equals("bf16") ? new int[] {1, 3} : new int[] {1}) {
        long encoded = 0;
        for (MicroData.Encoded e : MicroData.encodeAll(data, level)) {
          encoded += e.bytes().remaining();
        }
        sizes.append(String.format(Locale.ROOT, "%s/%d\t%.4f%n", kind, level,
            (double) encoded / MicroData.TOTAL));
      }
    }
    Files.writeString(dir.resolve("codec-sizes.tsv"), sizes);
  }
}
