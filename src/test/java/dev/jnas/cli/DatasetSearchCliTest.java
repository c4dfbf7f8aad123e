package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.data.PngFolders;
import dev.jnas.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches on the datasets beyond the built-in Fashion-MNIST: a folder of PNG files (Fashion-MNIST
 * images written out by the README's example program, examples/images/ExportPngs.java; fails when
 * the installed dataset is absent), a corrupt PNG refused before anything is created, and
 * CIFAR-100's binary format with its 100 classes.
 */
class DatasetSearchCliTest {
  @TempDir Path dir;

  /** Runs the example program as the README does (java's source-file mode) on the test class path. */
  private static void exportPngs(Path out, int perClass, int... classes) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "examples/images/ExportPngs.java", out.toString(), Integer.toString(perClass)));
    for (int c : classes) {
      cmd.add(Integer.toString(c));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    assertThat(output).contains("wrote " + perClass * classes.length + " PNG files to " + out);
  }

  private Path config(Path images) throws Exception {
    return Files.writeString(dir.resolve("c.yaml"), """
        name: pngs
        seed: 3
        space: {name: nasbench201, params: {cells_per_stage: 1, channels: 4}}
        strategy: random
        evaluator:
          type: training
          dataset: images
          data_dir: %s
          images: {test_fraction: 0.25}
          training: {batch_size: 16, val_fraction: 0.2}
        budget: {max_trials: 2, epochs: 1}
        final: {epochs: 1}
        """.formatted(images));
  }

  @Test
  void searchesOnAFolderOfPngs() throws Exception {
    Path images = dir.resolve("clothes");
    exportPngs(images, 40, 1, 8, 9); // Trouser, Bag, Ankle boot: 40 images each
    try (var folders = Files.list(images)) {
      assertThat(folders.map(f -> f.getFileName().toString()).sorted()).containsExactly("Ankle_boot", "Bag", "Trouser");
    }
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", config(images).toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(2);
    // 30 test images (a quarter of each class), scored as a fraction
    double testAccuracy = summary.path("final").path("test_accuracy").asDouble(-1);
    assertThat(testAccuracy * 30).isCloseTo(Math.round(testAccuracy * 30), org.assertj.core.data.Offset.offset(1e-6));
    JsonNode model = Json.MAPPER.readTree(out.resolve("best/model.json").toFile());
    assertThat(model.path("num_classes").asInt()).isEqualTo(3);
    assertThat(model.path("input_shape").toString()).isEqualTo("[1,28,28]");
    // best/ names the classes as the folders did
    assertThat(model.path("class_names").toString()).isEqualTo("[\"Ankle_boot\",\"Bag\",\"Trouser\"]");
  }

  @Test
  void aCorruptPngIsNamedAndNothingIsCreated() throws Exception {
    Path images = dir.resolve("clothes");
    exportPngs(images, 5, 1, 8);
    Path bad;
    try (var files = Files.list(images.resolve("Bag"))) {
      bad = PngFolders.truncate(files.sorted().skip(2).findFirst().orElseThrow());
    }
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", config(images).toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("1 image cannot be used").contains(bad.toAbsolutePath() + ": cannot decode");
    assertThat(out).doesNotExist();
  }

  @Test
  void searchesOnCifar100WithAHundredClasses() throws Exception {
    Path binary = Files.createDirectories(dir.resolve("cifar-100-binary"));
    Files.write(binary.resolve("train.bin"), cifar100Records(200));
    Files.write(binary.resolve("test.bin"), cifar100Records(50));
    Path cfg = Files.writeString(dir.resolve("c100.yaml"), """
        name: c100
        seed: 1
        space: {name: nasbench201, params: {cells_per_stage: 1, channels: 4}}
        strategy: random
        evaluator:
          type: training
          dataset: cifar100
          data_dir: %s
          training: {batch_size: 50, val_fraction: 0.5}
        budget: {max_trials: 1, epochs: 1}
        final: {epochs: 1}
        """.formatted(dir));
    Path out = dir.resolve("exp100");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode model = Json.MAPPER.readTree(out.resolve("best/model.json").toFile());
    assertThat(model.path("num_classes").asInt()).isEqualTo(100);
    assertThat(model.path("input_shape").toString()).isEqualTo("[3,32,32]");
  }

  /** CIFAR-100 binary records: coarse label, fine label r % 100, 3,072 pixels of noise. */
  private static byte[] cifar100Records(int n) {
    byte[] b = new byte[n * (2 + 3072)];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(n);
    for (int r = 0; r < n; r++) {
      int off = r * (2 + 3072);
      b[off] = (byte) (r % 20);
      b[off + 1] = (byte) (r % 100);
      for (int p = 0; p < 3072; p++) {
        b[off + 2 + p] = (byte) rng.nextInt(256);
      }
    }
    return b;
  }
}
