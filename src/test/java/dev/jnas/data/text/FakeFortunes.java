package dev.jnas.data.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder laid out like Debian's /usr/share/games/fortunes, for tests: fortune files {@code alpha}
 * (15 fortunes) and {@code beta} (10, among blank ones), with a {@code .dat} index, a {@code .u8}
 * link and an {@code off} subfolder that are not fortune files.
 */
public final class FakeFortunes {
  private FakeFortunes() {}

  /** Writes the folder at {@code dir} and returns it. */
  public static Path write(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("off"));
    StringBuilder alpha = new StringBuilder();
    for (int i = 0; i < 15; i++) {
      // fortune i is marked by the word q + the i-th letter
      alpha.append("Q").append((char) ('a' + i)).append(": The cat\n\tsat 42 times.\n%\n");
    }
    Files.writeString(dir.resolve("alpha"), alpha);
    StringBuilder beta = new StringBuilder("%\n  \n%\n");
    for (int i = 15; i < 25; i++) {
      beta.append("Q").append((char) ('a' + i)).append(" -- a dog, a dog!\n");
      if (i < 24) {
        beta.append(i == 20 ? "%   \r\n" : "%\n"); // the last fortune has no separator after it
      }
    }
    Files.writeString(dir.resolve("beta"), beta);
    Files.write(dir.resolve("alpha.dat"), new byte[] {0, 0, 0, 2, (byte) 0xff, 0x25});
    Files.createSymbolicLink(dir.resolve("alpha.u8"), Path.of("alpha"));
    Files.writeString(dir.resolve("off").resolve("rude"), "Not this one.\n%\n");
    return dir;
  }
}
