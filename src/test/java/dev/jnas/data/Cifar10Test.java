package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
  @TempDir Path dir;

  /** Records whose label is {@code base + r} and whose pixel p is {@code (base + r + p) mod 256}. */
  static byte[] records(int n, int base) {
    byte[] b = new byte[n * Cifar10.RECORD];
    for (int r = 0; r < n; r++) {
      b[r * Cifar10.RECORD] = (byte) ((base + r) % 10);
      for (int p = 0; p < 3072; p++) {
        b[r * Cifar10.RECORD + 1 + p] = (byte) (base + r + p);
      }
    }
    return b;
  }

  private void writeAll() throws Exception {
    writeAll(dir);
  }

  private static void writeAll(Path folder) throws Exception {
    Files.createDirectories(folder);
    for (int i = 1; i <= 5; i++) {
      Files.write(folder.resolve("data_batch_" + i + ".bin"), records(2, i * 2));
    }
    Files.write(folder.resolve("test_batch.bin"), records(3, 0));
  }

  @Test
  void readsTheUnpackedFolderFromItsParentWithClassNames() throws Exception {
    Path batches = dir.resolve(Cifar10.FOLDER);
    writeAll(batches);
    TrainTestData d = Cifar10.load(dir);
    assertThat(d.train().size()).isEqualTo(10);
    assertThat(d.test().classNames()).isEqualTo(Cifar10.NAMES);
    // batches.meta.txt, as the archive ships it (trailing blank lines), names the classes
    Files.writeString(batches.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    assertThat(Cifar10.load(batches).train().classNames()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    Files.writeString(batches.resolve("batches.meta.txt"), "a\nb\n");
    assertThatThrownBy(() -> Cifar10.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("batches.meta.txt: 2 class names, expected 10");
  }

  @Test
  void aFolderWithoutBatchesSaysWhatItExpects() {
    assertThatThrownBy(() -> Cifar10.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(dir + " holds no data_batch_1.bin")
        .hasMessageContaining(Cifar10.FOLDER);
  }

  @Test
  void readsRecordsInChwOrder() throws Exception {
    writeAll();
    TrainTestData d = Cifar10.load(dir);
    assertThat(d.train().size()).isEqualTo(10);
    assertThat(d.test().size()).isEqualTo(3);
    assertThat(d.train().channels()).isEqualTo(3);
    // image 3 is the second record of data_batch_2 (base 4): label 5
    assertThat(d.train().label(3)).isEqualTo(5);
    // green plane (channel 1), row 2, column 7 is pixel 1024 + 64 + 7
    assertThat(d.train().pixel(3, 1, 2, 7)).isEqualTo((5 + 1024 + 64 + 7) & 0xFF);
  }

  @Test
  void truncatedBatchIsNamed() throws Exception {
    writeAll();
    Path f = dir.resolve("data_batch_3.bin");
    Files.write(f, Arrays.copyOf(records(2, 0), Cifar10.RECORD + 100));
    assertThatThrownBy(() -> Cifar10.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("3173 bytes is not a positive multiple of the 3073-byte record");
  }

  @Test
  void missingBatchIsNamed() throws Exception {
    writeAll();
    Files.delete(dir.resolve("test_batch.bin"));
    assertThatThrownBy(() -> Cifar10.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("test_batch.bin")
        .hasMessageContaining("missing");
  }
}
