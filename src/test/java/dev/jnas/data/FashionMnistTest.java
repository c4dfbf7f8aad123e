package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path dir;

  private void writePart(String prefix, int images, int labels, boolean gzip) throws Exception {
    String ext = gzip ? ".gz" : "";
    IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext),
        IdxFiles.images(images, 28, 28, new byte[images * 28 * 28]), gzip);
    IdxFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), IdxFiles.labels(new int[labels]), gzip);
  }

  @Test
  void loadsGzippedAndRawFiles() throws Exception {
    writePart("train", 5, 5, true);
    writePart("t10k", 3, 3, false);
    TrainTestData d = FashionMnist.load(dir);
    assertThat(d.train().size()).isEqualTo(5);
    assertThat(d.test().size()).isEqualTo(3);
    assertThat(d.train().channels()).isEqualTo(1);
    assertThat(d.train().height()).isEqualTo(28);
    assertThat(d.train().numClasses()).isEqualTo(10);
    assertThat(d.test().classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
  }

  @Test
  void countMismatchNamesBothFiles() throws Exception {
    writePart("train", 5, 4, true);
    writePart("t10k", 3, 3, true);
    assertThatThrownBy(() -> FashionMnist.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("train-images-idx3-ubyte.gz holds 5 images")
        .hasMessageContaining("train-labels-idx1-ubyte.gz holds 4 labels");
  }

  @Test
  void missingFolderSaysWhatIsExpected() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> FashionMnist.load(missing))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("train-images-idx3-ubyte.gz");
  }

  @Test
  void missingFileIsNamed() throws Exception {
    writePart("train", 2, 2, true);
    Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
    assertThatThrownBy(() -> FashionMnist.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("train-labels-idx1-ubyte.gz")
        .hasMessageContaining("missing");
  }

  @Test
  void readsTheInstalledDataset() {
    // the machine's copy (package dataset-fashion-mnist); fails when it is absent
    TrainTestData d = FashionMnist.load();
    assertThat(d.train().size()).isEqualTo(60_000);
    assertThat(d.test().size()).isEqualTo(10_000);
    int[] counts = new int[10];
    for (int i = 0; i < d.test().size(); i++) {
      counts[d.test().label(i)]++;
    }
    assertThat(counts).containsOnly(1000);
  }

  @Test
  void datasetsByNameRejectUnknownNames() {
    assertThat(Datasets.load(DatasetConfig.of("synthetic", null), null).train().numClasses()).isEqualTo(10);
    assertThatThrownBy(() -> Datasets.load(DatasetConfig.of("mnist9", null), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown dataset 'mnist9'")
        .hasMessageContaining("fashion-mnist");
  }
}
