package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.space.NasRlRnnSpace;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language-model task end to end through the CLI, on a corpus from the built-in grammar whose
 * perplexity floor is known exactly: ENAS finds a cell on enas-rnn, the cell it found trains to
 * within 15% of the floor, and an LSTM of the same size trains to a comparable perplexity;
 * multi-trial strategies search nasrl-rnn; bad configs are refused naming the field.
 */
class LanguageModelSearchCliTest {
  @TempDir static Path dir;
  static Path corpus;
  static double floor;

  @BeforeAll
  static void writeCorpus() {
    corpus = dir.resolve("grammar");
    var r = CliRunner.run("corpus", "grammar", "--output", corpus.toString(), "--train", "8000", "--valid", "600", "--test", "600");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Matcher m = Pattern.compile("perplexity floor: ([0-9.]+)").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    floor = Double.parseDouble(m.group(1));
  }

  private static final String TRAINING = "{embedding: 32, hidden: 32, dropout: 0.0, batch_size: 32, learning_rate: 5}";

  private static String config(String name, String space, String strategy, String budget, String fin) {
    return """
        name: %s
        seed: 3
        space: %s
        strategy: %s
        evaluator: {type: training, task: language-model, data_dir: %s, training: %s}
        budget: %s
        final: %s
        """.formatted(name, space, strategy, corpus, TRAINING, budget, fin);
  }

  private static CliRunner.Result search(String name, String yaml) throws Exception {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, yaml);
    return CliRunner.run("search", "--config", cfg.toString(), "--output", dir.resolve(name).toString(), "--quiet");
  }

  @Test
  void enasFindsACellThatTrainsToWithinFifteenPercentOfTheFloor() throws Exception {
    var r = search("enas", config("enas", "{name: enas-rnn, params: {nodes: 4}}",
        "{name: enas, params: {controller_steps: 5, derive_samples: 5}}", "{epochs: 2}", "{epochs: 10}"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(dir.resolve("enas").resolve("summary.json").toFile());
    String cell = summary.path("best").path("architecture").asText();
    EnasRnnSpace space = new EnasRnnSpace(4);
    assertThat(space.encode(space.decode(cell))).isEqualTo(cell);
    double ppl = summary.path("final").path("test_perplexity").asDouble();
    assertThat(ppl).as("test perplexity of the found cell %s against the floor %s", cell, floor)
        .isGreaterThan(floor * 0.97).isLessThan(floor * 1.15);
    assertThat(dir.resolve("enas").resolve("best").resolve("weights.params")).isRegularFile();
    assertThat(Files.readAllLines(dir.resolve("enas").resolve("best").resolve("vocabulary.txt"))).contains("<unk>", "<eos>");
    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("enas").toString(), "--json").out());
    JsonNode epochs = show.path("one_shot").path("epochs");
    assertThat(epochs).hasSize(2);
    assertThat(epochs.get(1).path("controller_updates").asInt()).isEqualTo(10);
    assertThat(epochs.get(1).path("valid_perplexity").asDouble()).isGreaterThan(floor * 0.97);
    assertThat(show.path("one_shot").path("derived").asText()).isEqualTo(cell);
    assertThat(show.path("trials").get(0).path("metrics").path("val_perplexity").asDouble())
        .isCloseTo(1 / show.path("trials").get(0).path("metrics").path("reward").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(CliRunner.run("show", dir.resolve("enas").toString()).out()).contains("valid_ppl").contains(cell);

    // the LSTM of equal parameter count, trained alike, reaches a comparable perplexity
    var b = CliRunner.run("bench", "lm", "--data", corpus.toString(), "--space", "enas-rnn", "--space-params", "{\"nodes\": 4}",
        "--cell", cell, "--training", "{\"embedding\": 32, \"hidden\": 32, \"dropout\": 0.0, \"learning_rate\": 5}",
        "--epochs", "10", "--seed", show.path("trials").get(0).path("seed").asText(), "--json");
    assertThat(b.exitCode()).as(b.err()).isZero();
    JsonNode rows = Json.MAPPER.readTree(b.out());
    double cellPpl = rows.get(0).path("testPerplexity").asDouble();
    double lstmPpl = rows.get(1).path("testPerplexity").asDouble();
    assertThat(rows.get(1).path("model").asText()).isEqualTo("lstm");
    assertThat((double) rows.get(1).path("params").asLong()).isCloseTo(rows.get(0).path("params").asLong(),
        org.assertj.core.data.Percentage.withPercentage(5));
    // the same training and seed (bit-identical only with the same libtorch thread count)
    assertThat(cellPpl).isCloseTo(ppl, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(lstmPpl).isLessThan(floor * 1.15).isLessThan(cellPpl * 1.1);
  }

  @Test
  void multiTrialStrategiesSearchTheNasRlTreeReproducibly() throws Exception {
    String yaml = config("random-a", "{name: nasrl-rnn, params: {base: 2}}", "random", "{max_trials: 3, epochs: 1}",
        "{retrain: false}");
    var a = search("random-a", yaml);
    assertThat(a.exitCode()).as(a.err()).isZero();
    var b = search("random-b", yaml.replace("random-a", "random-b"));
    assertThat(b.exitCode()).as(b.err()).isZero();
    JsonNode ta = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("random-a").toString(), "--json").out()).path("trials");
    JsonNode tb = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("random-b").toString(), "--json").out()).path("trials");
    assertThat(ta).hasSize(3);
    NasRlRnnSpace space = new NasRlRnnSpace(2);
    for (int i = 0; i < 3; i++) {
      JsonNode t = ta.get(i);
      assertThat(t.path("status").asText()).isIn("COMPLETE", "FAILED");
      space.decode(t.path("architecture").asText());
      assertThat(t.path("architecture").asText()).isEqualTo(tb.get(i).path("architecture").asText());
      assertThat(t.path("metrics").path("reward")).isEqualTo(tb.get(i).path("metrics").path("reward"));
      if (t.path("status").asText().equals("COMPLETE")) {
        // reward = 1 / the best epoch's validation perplexity, which no model beats the floor by much
        assertThat(1 / t.path("metrics").path("reward").asDouble()).isGreaterThan(floor * 0.97);
      }
    }
  }

  /** Every strategy that chooses decisions' values searches recurrent cells (tiny models: the wiring, not the result). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"random", "grid", "evolution", "tournament", "local", "reinforce", "predictor"})
  void multiTrialStrategiesRunOnEnasRnn(String strategy) throws Exception {
    String yaml = config("s-" + strategy, "{name: enas-rnn, params: {nodes: 2}}", strategy, "{max_trials: 3, epochs: 1}",
        "{retrain: false}").replace(TRAINING, "{embedding: 8, hidden: 8, batch_size: 8, bptt: 10, train_tokens: 3000}");
    var r = search("s-" + strategy, yaml);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode trials = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("s-" + strategy).toString(), "--json").out()).path("trials");
    assertThat(trials).hasSize(3);
    for (JsonNode t : trials) {
      new EnasRnnSpace(2).decode(t.path("architecture").asText());
      assertThat(t.path("status").asText()).isEqualTo("COMPLETE");
      assertThat(t.path("metrics").path("val_perplexity").asDouble()).isGreaterThan(1);
    }
  }

  /** Character level on any one text file: its lines split into train/valid/test, characters as tokens. */
  @Test
  void characterLevelSearchOnOneTextFile() throws Exception {
    List<String> lines = Files.readAllLines(corpus.resolve("train.txt")).subList(0, 400);
    Path text = dir.resolve("plain.txt");
    Files.write(text, lines);
    String yaml = config("chars", "{name: nasrl-rnn, params: {base: 2}}", "random", "{max_trials: 2, epochs: 1}", "{epochs: 1}")
        .replace("data_dir: " + corpus, "text: " + text + ", level: char")
        .replace(TRAINING, "{embedding: 16, hidden: 16, batch_size: 8, bptt: 20}");
    var r = search("chars", yaml);
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> vocabulary = Files.readAllLines(dir.resolve("chars").resolve("best").resolve("vocabulary.txt"));
    assertThat(vocabulary).contains("<unk>", "<eos>", "a", "e", "t");
    assertThat(vocabulary).allSatisfy(t -> assertThat(t.length() == 1 || t.startsWith("<")).as(t).isTrue());
    JsonNode summary = Json.MAPPER.readTree(dir.resolve("chars").resolve("summary.json").toFile());
    // better than a uniform guess over the characters
    assertThat(summary.path("final").path("test_perplexity").asDouble()).isGreaterThan(1).isLessThan(vocabulary.size());
  }

  @Test
  void badLanguageModelConfigsAreRefusedNamingTheField() throws Exception {
    var unknownTask = search("bad1", config("bad1", "enas-rnn", "random", "{max_trials: 1}", "{retrain: false}")
        .replace("task: language-model", "task: translation"));
    assertThat(unknownTask.exitCode()).isEqualTo(2);
    assertThat(unknownTask.err()).contains("evaluator.task").contains("translation").contains("language-model");

    var missing = search("bad2", config("bad2", "enas-rnn", "random", "{max_trials: 1}", "{retrain: false}")
        .replace(corpus.toString(), dir.resolve("nowhere").toString()));
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("evaluator.data_dir").contains("nowhere");

    var imageSpace = search("bad3", config("bad3", "nasbench201", "random", "{max_trials: 1}", "{retrain: false}"));
    assertThat(imageSpace.exitCode()).isEqualTo(2);
    assertThat(imageSpace.err()).contains("nasbench201").contains("enas-rnn");

    var darts = search("bad4", config("bad4", "enas-rnn", "darts", "{epochs: 1}", "{retrain: false}"));
    assertThat(darts.exitCode()).isEqualTo(2);
    assertThat(darts.err()).contains("strategy").contains("enas");

    var tied = search("bad5", config("bad5", "enas-rnn", "random", "{max_trials: 1}", "{retrain: false}")
        .replace("hidden: 32", "hidden: 40, tie_weights: true"));
    assertThat(tied.exitCode()).isEqualTo(2);
    assertThat(tied.err()).contains("tie_weights").contains("embedding");

    var recurrentAsImages = search("bad6", config("bad6", "enas-rnn", "random", "{max_trials: 1}", "{retrain: false}")
        .replace("task: language-model, data_dir: " + corpus + ", training: " + TRAINING, "dataset: synthetic"));
    assertThat(recurrentAsImages.exitCode()).isEqualTo(2);
    assertThat(recurrentAsImages.err()).contains("evaluator.task").contains("language-model");
  }
}
