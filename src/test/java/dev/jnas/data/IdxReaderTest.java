package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  static byte[] pixels(int n) {
    byte[] px = new byte[n];
    for (int i = 0; i < n; i++) {
      px[i] = (byte) (i * 7);
    }
    return px;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void roundTripsImagesAndLabels(boolean gzip) throws Exception {
    byte[] px = pixels(3 * 4 * 5);
    // the name never says .gz: compression is recognised by its magic bytes
    Path images = IdxFiles.write(dir.resolve("imgs"), IdxFiles.images(3, 4, 5, px), gzip);
    Path labels = IdxFiles.write(dir.resolve("lbls"), IdxFiles.labels(new int[] {9, 0, 255}), gzip);

    IdxReader.Images read = IdxReader.readImages(images);
    assertThat(read.count()).isEqualTo(3);
    assertThat(read.rows()).isEqualTo(4);
    assertThat(read.cols()).isEqualTo(5);
    assertThat(read.pixels()).isEqualTo(px);
    assertThat(IdxReader.readLabels(labels)).containsExactly(9, 0, 255);
  }

  @Test
  void truncatedRawImagesNameTheFileAndTheShortfall() throws Exception {
    byte[] full = IdxFiles.images(10, 4, 4, pixels(160));
    Path f = IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 60), false);
    assertThatThrownBy(() -> IdxReader.readImages(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("truncated: expected 160 image bytes, got 100");
  }

  @Test
  void cutGzipStreamIsReportedAsTruncated() throws Exception {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 28, 28, pixels(50 * 28 * 28)));
    Path f = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(f, Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> IdxReader.readImages(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void badMagicIsNamed() throws Exception {
    Path f = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(new int[] {1, 2}), false);
    assertThatThrownBy(() -> IdxReader.readImages(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("bad magic number 0x00000801, expected 0x00000803");
  }

  @Test
  void headerCutShortIsTruncated() throws Exception {
    Path f = dir.resolve("short");
    Files.write(f, new byte[] {0, 0, 8, 3, 0, 0});
    assertThatThrownBy(() -> IdxReader.readImages(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("truncated");
  }
}
