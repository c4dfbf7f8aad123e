package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100Test {
  @TempDir Path dir;

  /** Records with coarse label r % 20, fine label (r * 7) % 100 and pixel p = (r + p) mod 256. */
  static byte[] records(int n) {
    byte[] b = new byte[n * Cifar100.RECORD];
    for (int r = 0; r < n; r++) {
      int off = r * Cifar100.RECORD;
      b[off] = (byte) (r % 20);
      b[off + 1] = (byte) ((r * 7) % 100);
      for (int p = 0; p < 3072; p++) {
        b[off + 2 + p] = (byte) (r + p);
      }
    }
    return b;
  }

  private Path writeBinary() throws Exception {
    Path folder = Files.createDirectories(dir.resolve(Cifar100.FOLDER));
    Files.write(folder.resolve("train.bin"), records(30));
    Files.write(folder.resolve("test.bin"), records(4));
    return folder;
  }

  @Test
  void readsFineLabelsFromTheParentFolder() throws Exception {
    writeBinary();
    TrainTestData d = Cifar100.load(dir, Cifar100.Labels.FINE);
    assertThat(d.train().size()).isEqualTo(30);
    assertThat(d.test().size()).isEqualTo(4);
    assertThat(d.train().numClasses()).isEqualTo(100);
    assertThat(d.train().label(29)).isEqualTo((29 * 7) % 100);
    assertThat(d.train().pixel(29, 2, 1, 5)).isEqualTo((29 + 2048 + 32 + 5) & 0xFF);
    assertThat(d.train().classNames()).hasSize(100).startsWith("0", "1");
  }

  @Test
  void readsCoarseLabelsAndTheNameFiles() throws Exception {
    Path folder = writeBinary();
    Files.writeString(folder.resolve("coarse_label_names.txt"),
        IntStream.range(0, 20).mapToObj(i -> "super" + i).collect(Collectors.joining("\n", "", "\n")));
    Files.writeString(folder.resolve("fine_label_names.txt"),
        IntStream.range(0, 100).mapToObj(i -> "fine" + i).collect(Collectors.joining("\n")));
    TrainTestData coarse = Cifar100.load(folder, Cifar100.Labels.COARSE);
    assertThat(coarse.train().numClasses()).isEqualTo(20);
    assertThat(coarse.train().label(29)).isEqualTo(9);
    assertThat(coarse.train().classNames().get(9)).isEqualTo("super9");
    assertThat(Cifar100.load(folder, Cifar100.Labels.FINE).test().classNames().get(99)).isEqualTo("fine99");
  }

  @Test
  void badFilesAndOptionsAreNamed() throws Exception {
    Path folder = writeBinary();
    assertThatThrownBy(() -> Cifar100.Labels.parse("medium", "evaluator.cifar100.labels"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.cifar100.labels 'medium' is unknown (valid: fine, coarse)");
    byte[] bad = records(2);
    bad[Cifar100.RECORD + 1] = (byte) 100;
    Files.write(folder.resolve("test.bin"), bad);
    assertThatThrownBy(() -> Cifar100.load(folder, Cifar100.Labels.FINE))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("test.bin: record 1 has label 100, expected 0..99");
    Files.write(folder.resolve("test.bin"), new byte[Cifar100.RECORD - 1]);
    assertThatThrownBy(() -> Cifar100.load(folder, Cifar100.Labels.COARSE))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("3073 bytes is not a positive multiple of the 3074-byte record (2 label bytes + 3072 pixels)");
    Files.delete(folder.resolve("train.bin"));
    assertThatThrownBy(() -> Cifar100.load(dir, Cifar100.Labels.FINE))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("holds no train.bin")
        .hasMessageContaining(Cifar100.FOLDER);
  }
}
