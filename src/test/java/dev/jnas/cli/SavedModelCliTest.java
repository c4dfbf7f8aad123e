package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.ImageDataset;
import dev.jnas.train.SavedModel;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Folders;
import dev.jnas.util.Json;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code best/} alone rebuilds and runs the model a training search ends with. */
class SavedModelCliTest {
  @TempDir Path dir;

  @Test
  void bestAloneRebuildsTheModelAndReproducesItsTestAccuracy() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(
        cfg,
        TinyTrainingConfig.yaml(
            "saved", 3, "{train: 1200, test: 400, size: 12, classes: 6, channels: 2}",
            "{batch_size: 64, learning_rate: 0.1}", "{max_trials: 2, epochs: 1}", "{epochs: 2}"));
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    double reported = Json.MAPPER.readTree(out.resolve("summary.json").toFile()).path("final").path("test_accuracy").asDouble();
    assertThat(reported).isGreaterThan(1.0 / 6);

    // best/ elsewhere, the experiment gone
    Path best = dir.resolve("elsewhere/best");
    Files.createDirectories(best);
    try (Stream<Path> files = Files.list(out.resolve("best"))) {
      for (Path f : files.toList()) {
        Files.copy(f, best.resolve(f.getFileName()));
      }
    }
    Folders.deleteTree(out);

    JsonNode info = Json.MAPPER.readTree(best.resolve(SavedModel.INFO_FILE).toFile());
    assertThat(info.path("epochs").asInt()).isEqualTo(2); // what was trained, not training.epochs' default 10
    assertThat(info.path("training").path("epochs").asInt()).isEqualTo(2);
    assertThat(info.path("training").path("batch_size").asInt()).isEqualTo(64);
    assertThat(info.path("training").path("learning_rate").asDouble()).isEqualTo(0.1);
    assertThat(info.path("space").path("name").asText()).isEqualTo("nasrl-macro");
    assertThat(info.path("space").path("params").path("filters").toString()).isEqualTo("[8,16]");
    assertThat(info.path("seed").isNumber()).isTrue();
    assertThat(info.path("test_accuracy").asDouble()).isEqualTo(reported);
    assertThat(info.path("input_shape").toString()).isEqualTo("[2,12,12]");
    assertThat(info.path("class_names").toString()).isEqualTo("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\"]");
    assertThat(info.path("normalization").path("mean")).hasSize(2);

    // the same test images the search generated (evaluator.synthetic: test set, seed 2)
    ImageDataset test = ImageDataset.synthetic(400, 2, 12, 12, 6, 2);
    try (SavedModel m = SavedModel.load(best)) {
      assertThat(m.architecture().space()).isEqualTo("nasrl-macro");
      assertThat(m.space().encode(m.architecture())).isEqualTo(info.path("architecture").asText());
      assertThat(m.classNames()).hasSize(6);
      SavedModel.Predictions p = m.predict(test);
      int[] labels = new int[test.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = test.label(i);
      }
      assertThat(p.accuracy(labels)).isEqualTo(reported);
      assertThat(p.probabilities()[0]).hasSize(6);
      double sum = 0;
      for (float v : p.probabilities()[0]) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

      // raw pixels as an NDArray: normalised by the model, same classes
      byte[] pixels = new byte[test.size() * test.imageSize()];
      for (int i = 0; i < test.size(); i++) {
        test.copyImage(i, pixels, i * test.imageSize());
      }
      try (NDManager nd = NDManager.newBaseManager()) {
        NDArray x = nd.create(ByteBuffer.wrap(pixels), new Shape(test.size(), 2, 12, 12), DataType.UINT8);
        assertThat(m.predict(x).classes()).isEqualTo(p.classes());
        NDArray wrong = nd.zeros(new Shape(1, 1, 12, 12));
        assertThatThrownBy(() -> m.predict(wrong)).isInstanceOf(BadInputException.class).hasMessageContaining("2x12x12");
      }
    }
  }

  @Test
  void aFolderThatIsNotASavedModelIsBadInputNamingWhatIsMissing() throws Exception {
    assertThatThrownBy(() -> SavedModel.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("missing model.json");
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("format", 1);
    info.putObject("space").put("name", "nasrl-macro");
    Files.writeString(dir.resolve(SavedModel.INFO_FILE), info.toString());
    assertThatThrownBy(() -> SavedModel.load(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("space.params is missing");
  }

  @Test
  void exportAndPredictNameALanguageModelAsSuch() throws Exception {
    // the layout dev.jnas.lm.LanguageModelEvaluator writes: task, space, architecture, vocabulary, ...
    Path lm = dir.resolve("lm/best");
    Files.createDirectories(lm);
    Files.writeString(lm.resolve("model.json"), "{\"task\": \"language-model\", \"space\": \"enas-rnn\", \"architecture\": \"identity 1:tanh\"}");
    var export = CliRunner.run("export", lm.toString(), "--format", "onnx", "--output", dir.resolve("lm.onnx").toString());
    assertThat(export.exitCode()).isEqualTo(2);
    assertThat(export.err()).contains("holds a language model (space enas-rnn, identity 1:tanh)").contains("image classifiers");
    var predict = CliRunner.run("predict", "--model", lm.toString(), dir.resolve("x.png").toString());
    assertThat(predict.exitCode()).isEqualTo(2);
    assertThat(predict.err()).contains("holds a language model");
    assertThat(dir.resolve("lm.onnx")).doesNotExist();
  }
}
