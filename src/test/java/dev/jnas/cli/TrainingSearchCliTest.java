package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real (tiny) training search through the CLI, ending with saved weights that load back. */
class TrainingSearchCliTest {
  @TempDir Path dir;

  @Test
  void searchesTrainsRetrainsAndSavesALoadableModel() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml("tiny", 5, "{train: 1500, test: 300, size: 14}",
        "{batch_size: 64, learning_rate: 0.1}", "{max_trials: 3, epochs: 2}", "{epochs: 3}"));
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(3);
    JsonNode best = summary.path("best");
    assertThat(best.path("params").asLong()).isPositive();
    assertThat(best.path("flops").asLong()).isPositive();
    // the synthetic classes are learnable: better than chance (0.1)
    assertThat(summary.path("final").path("test_accuracy").asDouble()).isGreaterThan(0.3);
    assertThat(summary.path("final").path("files").toString()).contains("best/model-0003.params");

    var show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    // provenance: what the loaded engine and DJL report, not constants or "null"
    JsonNode prov = show.path("provenance");
    assertThat(prov.path("djl").asText()).isEqualTo(ai.djl.engine.Engine.getDjlVersion()).isNotEqualTo("null");
    assertThat(prov.path("pytorch").asText()).isEqualTo(ai.djl.engine.Engine.getInstance().getVersion()).matches("\\d+\\.\\d+.*");
    for (JsonNode t : show.path("trials")) {
      assertThat(t.path("metrics").path("epochs")).hasSize(2);
      assertThat(t.path("metrics").path("params").asLong()).isPositive();
    }

    // The saved weights load into the rebuilt network and give the same predictions twice.
    ObjectNode archJson = (ObjectNode) Json.MAPPER.readTree(out.resolve("best/architecture.json").toFile());
    SearchSpace space = SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"layers\":2,\"filter_sizes\":[3],\"filters\":[8,16],\"strides\":true}"));
    var arch = space.fromJson(archJson);
    try (Model m = TrainingEvaluator.loadTrained(ModelBuilders.forSpace(space), arch, new Shape(1, 14, 14), 10, out.resolve("best"));
        NDManager nd = NDManager.newBaseManager()) {
      NDArray x = nd.randomUniform(0, 1, new Shape(3, 1, 14, 14));
      NDArray y = m.getBlock().forward(new ParameterStore(nd, false), new NDList(x), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(3, 10));
      assertThat(y.isNaN().any().getBoolean()).isFalse();
    }
  }
}
