package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.data.ImageDataset;
import dev.jnas.export.OnnxExport;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.train.SavedModel;
import dev.jnas.util.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's way out: search, export (ONNX, DJL), predict on image files; and every wrong input refused. */
class ExportCliTest {
  private static final int SIZE = 12;
  private static final int CLASSES = 4;

  @TempDir Path dir;

  private Path search(String name) throws IOException {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml(
        name, 3, "{train: 600, test: 100, size: " + SIZE + ", classes: " + CLASSES + ", channels: 3}",
        "{batch_size: 64, learning_rate: 0.1}", "{max_trials: 2, epochs: 1}", "{epochs: 1}"));
    Path out = dir.resolve(name);
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return out;
  }

  /** Writes {@code n} test images as RGB PNGs; returns their pixels, (N, 3, H, W). */
  private byte[] writePngs(List<Path> files, int n) throws IOException {
    ImageDataset test = ImageDataset.synthetic(n, 3, SIZE, SIZE, CLASSES, 2);
    byte[] pixels = new byte[n * test.imageSize()];
    int plane = SIZE * SIZE;
    for (int i = 0; i < n; i++) {
      test.copyImage(i, pixels, i * test.imageSize());
      BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int o = i * test.imageSize() + y * SIZE + x;
          int rgb = (pixels[o] & 0xff) << 16 | (pixels[o + plane] & 0xff) << 8 | (pixels[o + 2 * plane] & 0xff);
          img.setRGB(x, y, rgb);
        }
      }
      Path f = dir.resolve("img" + i + ".png");
      ImageIO.write(img, "png", f.toFile());
      files.add(f);
    }
    return pixels;
  }

  /** The first class of each line {@code file: class (p), ...}. */
  private static List<String> topClasses(String out) {
    List<String> classes = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      String rest = line.substring(line.lastIndexOf(".png: ") + 6);
      classes.add(rest.substring(0, rest.indexOf(" (")));
    }
    return classes;
  }

  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  @Test
  void searchThenExportOnnxAndDjlThenPredictPngsAsSavedModelDoes() throws Exception {
    Path exp = search("tiny");
    Map<String, String> before = digests(exp);
    Path onnx = dir.resolve("model.onnx");
    var r = CliRunner.run("export", exp.toString(), "--format", "onnx", "--output", onnx.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("exported best/").contains(onnx.toString());
    Path djl = dir.resolve("djl");
    r = CliRunner.run("export", exp.toString(), "--format", "djl", "--output", djl.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(digests(exp)).as("the experiment is left as it was").isEqualTo(before);

    List<Path> pngs = new ArrayList<>();
    int n = 12;
    byte[] pixels = writePngs(pngs, n);
    List<String> expected = new ArrayList<>();
    JsonNode info;
    try (SavedModel m = SavedModel.load(exp.resolve("best"));
        NDManager nd = NDManager.newBaseManager()) {
      info = m.info();
      NDArray x = nd.create(ByteBuffer.wrap(pixels), new Shape(n, 3, SIZE, SIZE), DataType.UINT8);
      for (int c : m.predict(x).classes()) {
        expected.add(m.classNames().get(c));
      }
    }
    List<String> args = new ArrayList<>(List.of("predict", "--model", onnx.toString(), "--top", "2"));
    pngs.forEach(p -> args.add(p.toString()));
    r = CliRunner.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().strip().split("\n")).hasSize(n);
    assertThat(r.out().strip().split("\n")[0]).matches(".*img0\\.png: \\S+ \\(0\\.\\d{4}\\), \\S+ \\(0\\.\\d{4}\\)");
    assertThat(topClasses(r.out())).as("ONNX export through jnas predict").isEqualTo(expected);
    for (Path model : List.of(exp.resolve("best"), djl)) {
      args.set(2, model.toString());
      r = CliRunner.run(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(topClasses(r.out())).as(model.toString()).isEqualTo(expected);
    }

    // the ONNX file carries what a user needs
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = s.getMetadata().getCustomMetadata();
      assertThat(meta.get(OnnxExport.ARCHITECTURE)).isEqualTo(info.path("architecture").asText());
      assertThat(meta.get(OnnxExport.CLASS_NAMES)).isEqualTo("[\"0\",\"1\",\"2\",\"3\"]");
      assertThat(s.getInputNames()).containsExactly(OnnxExport.INPUT);
      assertThat(s.getOutputNames()).containsExactly(OnnxExport.LOGITS, OnnxExport.PROBABILITIES);
    }

    // the DJL folder loads with DJL's Model.load once the block jnas builds is set
    assertThat(djl.resolve("README.txt")).isRegularFile();
    JsonNode djlInfo = Json.MAPPER.readTree(djl.resolve(SavedModel.INFO_FILE).toFile());
    SearchSpace space = SearchSpaces.fromConfig(djlInfo.get("space"));
    Shape example = new Shape(3, SIZE, SIZE);
    Block block = ModelBuilders.fromConfig(djlInfo.get("model"), space)
        .build(space.decode(djlInfo.get("architecture").asText()), example, CLASSES);
    try (Model model = Model.newInstance("model");
        SavedModel saved = SavedModel.load(exp.resolve("best"))) {
      model.setBlock(block);
      model.load(djl, "model", Map.of("epoch", djlInfo.get("epochs").asInt()));
      try (NDManager m = model.getNDManager().newSubManager()) {
        NDArray x = m.randomUniform(-2, 2, new Shape(5).addAll(example));
        float[] ours = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        float[] theirs = saved.model().getBlock().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        assertThat(ours).containsExactly(theirs);
      }
    }
  }

  @Test
  void badInputIsOneLineNamingWhatIsWrongAndChangesNothing() throws Exception {
    Path exp = search("bad");
    Map<String, String> before = digests(exp);
    String out = dir.resolve("m.onnx").toString();
    String[][] cases = {
      {"export", dir.resolve("nowhere").toString(), "--format", "onnx", "--output", out},
      {"export", exp.toString(), "--format", "tflite", "--output", out},
      {"export", exp.toString(), "--format", "onnx", "--output", dir.resolve("no/such/folder/m.onnx").toString()},
      {"export", exp.toString(), "--format", "onnx", "--output", exp.toString()},
      {"export", exp.toString(), "--trial", "1", "--format", "onnx", "--output", out},
      {"export", exp.toString(), "--trial", "99", "--format", "onnx", "--output", out},
      {"export", exp.toString(), "--format", "djl", "--output", exp.toString()},
    };
    String[] says = {"does not exist", "unknown export format 'tflite'", "does not exist", "is a folder",
        "trial 1's trained weights are not kept", "has no trial 99", "is not empty"};
    for (int i = 0; i < cases.length; i++) {
      var r = CliRunner.run(cases[i]);
      assertThat(r.exitCode()).as(String.join(" ", cases[i]) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err().strip()).as(String.join(" ", cases[i])).startsWith("jnas: error: ").contains(says[i]).doesNotContain("\n");
    }
    assertThat(dir.resolve("m.onnx")).doesNotExist();
    assertThat(digests(exp)).isEqualTo(before);

    // a tabular experiment keeps no network
    Path table = dir.resolve("t.json");
    Files.writeString(table, "{\"00\": {\"acc\": 1.0}, \"01\": {\"acc\": 2.0}, \"10\": {\"acc\": 3.0}, \"11\": {\"acc\": 4.0}}");
    Path cfg = dir.resolve("t.yaml");
    Files.writeString(cfg, """
        name: t
        space: table
        strategy: {name: grid}
        evaluator: {type: tabular, benchmark: table, data: t.json, metric: acc}
        budget: {max_trials: 4}
        """);
    Path tab = dir.resolve("tab");
    assertThat(CliRunner.run("search", "--config", cfg.toString(), "--output", tab.toString(), "--quiet").exitCode()).isZero();
    var r = CliRunner.run("export", tab.toString(), "--format", "onnx", "--output", out);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("jnas: error: experiment " + tab).contains("has no trained model");

    // predict: a file that is no image, a missing image, a missing model
    Path onnx = dir.resolve("ok.onnx");
    assertThat(CliRunner.run("export", exp.toString(), "--format", "onnx", "--output", onnx.toString()).exitCode()).isZero();
    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not an image");
    String[][] predicts = {
      {"predict", "--model", onnx.toString(), text.toString()},
      {"predict", "--model", onnx.toString(), dir.resolve("gone.png").toString()},
      {"predict", "--model", dir.resolve("gone.onnx").toString(), text.toString()},
      {"predict", "--model", text.toString(), text.toString()},
    };
    String[] predictSays = {"notes.png is not a PNG, JPEG or IDX", "gone.png does not exist", "gone.onnx does not exist",
        "notes.png is not an ONNX model"};
    for (int i = 0; i < predicts.length; i++) {
      var p = CliRunner.run(predicts[i]);
      assertThat(p.exitCode()).as(String.join(" ", predicts[i]) + ": " + p.err()).isEqualTo(2);
      assertThat(p.err().strip()).startsWith("jnas: error: ").contains(predictSays[i]).doesNotContain("\n");
    }
  }

  @Test
  void theBestTrialOfAMultiEpochSearchExportsFromItsLastCheckpoint() throws Exception {
    Path cfg = dir.resolve("ck.yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml(
        "ck", 4, "{train: 600, test: 100, size: " + SIZE + ", classes: " + CLASSES + ", channels: 3}",
        "{batch_size: 64, learning_rate: 0.1}", "{max_trials: 3, epochs: 2}", "{epochs: 1}"));
    Path exp = dir.resolve("ck");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", exp.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode best = Json.MAPPER.readTree(exp.resolve("summary.json").toFile()).path("best");
    long id = best.path("trial").asLong();
    assertThat(exp.resolve("checkpoints/trial-" + id)).isDirectory();
    Path onnx = dir.resolve("best-trial.onnx");
    r = CliRunner.run("export", exp.toString(), "--trial", Long.toString(id), "--format", "onnx", "--output", onnx.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path djl = dir.resolve("best-trial");
    r = CliRunner.run("export", exp.toString(), "--trial", Long.toString(id), "--format", "djl", "--output", djl.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      assertThat(s.getMetadata().getCustomMetadata().get(OnnxExport.ARCHITECTURE)).isEqualTo(best.path("architecture").asText());
    }
    // the trial's weights, not best/'s retrained ones: the two networks differ
    try (SavedModel trialModel = SavedModel.load(djl);
        SavedModel finalModel = SavedModel.load(exp.resolve("best"));
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0, 255, new Shape(4, 3, SIZE, SIZE));
      assertThat(trialModel.predict(x).probabilities()[0]).isNotEqualTo(finalModel.predict(x).probabilities()[0]);
    }
    long other = id == 1 ? 2 : 1;
    r = CliRunner.run("export", exp.toString(), "--trial", Long.toString(other), "--format", "onnx", "--output", dir.resolve("o.onnx").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("trial " + other + "'s trained weights are not kept");
  }

  @Test
  void aMorphismSearchsTrialExportsWithItsKeptWeights() throws Exception {
    Path cfg = dir.resolve("m.yaml");
    Files.writeString(cfg, MorphismSearchCliTest.config("morph", "{name: hill-climbing, params: {steps: 1, neighbours: 2, morphisms: 1}}",
            "{max_trials: 3, epochs: 1}").replace("final: {retrain: false}", "final: {retrain: true, epochs: 1}"));
    Path exp = dir.resolve("morph");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", exp.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    TrialRecord last;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(exp)) {
      List<TrialRecord> trials = s.trials();
      last = trials.get(trials.size() - 1);
    }
    Path onnx = dir.resolve("trial.onnx");
    Path djl = dir.resolve("trial-djl");
    String id = Long.toString(last.id());
    r = CliRunner.run("export", exp.toString(), "--trial", id, "--format", "onnx", "--output", onnx.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("exported trial " + id);
    r = CliRunner.run("export", exp.toString(), "--trial", id, "--format", "djl", "--output", djl.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      assertThat(s.getMetadata().getCustomMetadata().get(OnnxExport.ARCHITECTURE)).isEqualTo(last.architecture());
    }
    try (SavedModel m = SavedModel.load(djl)) {
      assertThat(m.space().encode(m.architecture())).isEqualTo(last.architecture());
      assertThat(m.info().path("trial").asLong()).isEqualTo(last.id());
    }
    // both exports of the trial classify alike (grayscale 12x12 PNGs of the search's test images)
    ImageDataset test = ImageDataset.synthetic(8, 1, 12, 12, 3, 2);
    List<String> args = new ArrayList<>(List.of("predict", "--model", onnx.toString(), "--top", "1"));
    for (int i = 0; i < test.size(); i++) {
      byte[] px = new byte[test.imageSize()];
      test.copyImage(i, px, 0);
      BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setDataElements(0, 0, 12, 12, px);
      Path f = dir.resolve("g" + i + ".png");
      ImageIO.write(img, "png", f.toFile());
      args.add(f.toString());
    }
    var viaOnnx = CliRunner.run(args.toArray(String[]::new));
    args.set(2, djl.toString());
    var viaDjl = CliRunner.run(args.toArray(String[]::new));
    assertThat(viaOnnx.exitCode()).as(viaOnnx.err()).isZero();
    assertThat(topClasses(viaOnnx.out())).isEqualTo(topClasses(viaDjl.out()));
  }
}
