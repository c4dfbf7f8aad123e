package dev.jnas.oneshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.model.MixedOp;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table's arithmetic, its JSON form and the errors for bad or foreign files; no timing. */
class LatencyTableTest {
  @TempDir Path dir;

  private static LatencyTable.Meta meta(String space, List<Long> shape) {
    ObjectNode params = Json.MAPPER.createObjectNode().put("cells_per_stage", 1).put("channels", 4);
    return new LatencyTable.Meta(space, params, shape, 10, 1, 1, 2, 5, 3, "cpu()", "PyTorch test", "amd64", "Linux", 2,
        "2026-01-01T00:00:00Z");
  }

  /** Two labels, three mixed ops (label 0 twice), hand-picked latencies. */
  private static LatencyTable small() {
    List<LatencyTable.Label> labels =
        List.of(new LatencyTable.Label("a", List.of("none", "conv", "pool")), new LatencyTable.Label("b", List.of("skip", "conv")));
    List<LatencyTable.OpLatency> ops =
        List.of(
            new LatencyTable.OpLatency(0, 0, List.of(4L, 8L, 8L), List.of(0.0, 2.0, 1.0)),
            new LatencyTable.OpLatency(1, 1, List.of(4L, 8L, 8L), List.of(0.0, 3.0)),
            new LatencyTable.OpLatency(2, 0, List.of(8L, 4L, 4L), List.of(0.0, 4.0, 0.5)));
    return new LatencyTable(LatencyTable.FORMAT, meta("toy", List.of(1L, 8L, 8L)), labels, ops, 1.25,
        List.of(new LatencyTable.Calibration("x", 3.0, 1.75)));
  }

  /** A table that fits {@code net}: latency i + 0.1 k for block candidates, 0 for zero and identity. */
  private static LatencyTable fitting(Supernet net, double fixed) {
    List<LatencyTable.Label> labels = new ArrayList<>();
    for (Supernet.Label l : net.labels()) {
      labels.add(new LatencyTable.Label(l.name(), l.options()));
    }
    List<LatencyTable.OpLatency> ops = new ArrayList<>();
    for (MixedOp op : net.mixedOps()) {
      List<Double> lat = new ArrayList<>();
      for (int k = 0; k < op.candidates().size(); k++) {
        lat.add(op.candidates().get(k).kind() == MixedOp.Kind.BLOCK ? op.id() + 0.1 * k : 0.0);
      }
      ops.add(new LatencyTable.OpLatency(op.id(), op.label(), LatencyTable.shapeList(op.inputShape().getShape()), lat));
    }
    return new LatencyTable(LatencyTable.FORMAT, meta(net.space().name(), LatencyTable.shapeList(net.inputShape().getShape())),
        labels, ops, fixed, List.of());
  }

  @Test
  void jsonRoundTripGivesAnEqualTable() {
    LatencyTable t = small();
    Path f = dir.resolve("sub/table.json");
    t.write(f);
    LatencyTable back = LatencyTable.read(f);
    assertThat(back).isEqualTo(t);
    assertThat(back.meta().spaceParams().path("channels").asInt()).isEqualTo(4);
    assertThat(Files.exists(dir.resolve("sub/.table.json.tmp"))).isFalse();
  }

  @Test
  void expectedLatencyIsFixedPlusProbabilityWeightedSums() {
    LatencyTable t = small();
    // label a: ops 0 and 2 -> sums none 0, conv 6, pool 1.5; label b: skip 0, conv 3
    assertThat(t.latencySums()).isDeepEqualTo(new double[][] {{0, 6, 1.5}, {0, 3}});
    List<float[]> p = List.of(new float[] {0.5f, 0.25f, 0.25f}, new float[] {0.2f, 0.8f});
    double hand = 1.25 + 0.25 * 6 + 0.25 * 1.5 + 0.8 * 3;
    assertThat(t.expectedLatency(p)).isCloseTo(hand, within(1e-6));
    assertThatThrownBy(() -> t.expectedLatency(List.of(new float[] {1, 0, 0})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 probability rows for 2 labels");
    assertThatThrownBy(() -> t.expectedLatency(List.of(new float[] {1, 0, 0}, new float[] {1, 0, 0})))
        .hasMessageContaining("label b has 2 options, got 3");
  }

  @Test
  void oneHotExpectedLatencyIsTheArchitecturesPredictedLatency() {
    NasBench201Space space = new NasBench201Space(1, 4);
    Supernet net = Supernets.create(space, new Shape(1, 8, 8), 10);
    LatencyTable t = fitting(net, 0.75);
    Rng rng = Rng.of(3);
    for (int i = 0; i < 10; i++) {
      Architecture a = space.sample(rng);
      List<float[]> oneHot = new ArrayList<>();
      for (int l = 0; l < a.size(); l++) {
        float[] p = new float[NasBench201Space.OPS.size()];
        p[a.get(l)] = 1;
        oneHot.add(p);
      }
      assertThat(t.expectedLatency(oneHot)).as(space.encode(a)).isCloseTo(t.predictedLatency(a, net), within(1e-9));
    }
    // by hand: all nor_conv_3x3 (option 3) on the 18 ops = sum over ids (i + 0.3) + fixed
    Architecture conv = space.decode("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
    double hand = 0.75;
    for (int i = 0; i < 18; i++) {
      hand += i + 0.3;
    }
    assertThat(t.predictedLatency(conv, net)).isCloseTo(hand, within(1e-9));
    Architecture skips = space.decode("|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|");
    assertThat(t.predictedLatency(skips, net)).isEqualTo(0.75);
  }

  @Test
  void malformedFilesNameTheFileAndTheFault() throws Exception {
    Path f = dir.resolve("t.json");
    small().write(f);
    ObjectNode good = (ObjectNode) Json.MAPPER.readTree(f.toFile());

    Files.writeString(f, "{ not json");
    assertBad(f, "malformed JSON");

    Files.writeString(f, "{\"trials\": []}");
    assertBad(f, "not a jnas latency table");

    ObjectNode noFixed = good.deepCopy();
    noFixed.remove("fixed_ms");
    Files.writeString(f, noFixed.toString());
    assertBad(f, "fixed_ms");

    ObjectNode textFixed = good.deepCopy();
    textFixed.put("fixed_ms", "fast");
    Files.writeString(f, textFixed.toString());
    assertBad(f, "fixed_ms");

    ObjectNode negative = good.deepCopy();
    ((ArrayNode) negative.path("ops").get(1).path("latency_ms")).set(1, -3.0);
    Files.writeString(f, negative.toString());
    assertBad(f, "op 1: latency_ms must be finite and >= 0");

    ObjectNode short_ = good.deepCopy();
    ((ArrayNode) short_.path("ops").get(0).path("latency_ms")).remove(2);
    Files.writeString(f, short_.toString());
    assertBad(f, "op 0: 2 latencies for the 3 options of label a");

    ObjectNode badLabel = good.deepCopy();
    ((ObjectNode) badLabel.path("ops").get(2)).put("label", 7);
    Files.writeString(f, badLabel.toString());
    assertBad(f, "op 2: label 7 out of range");

    ObjectNode badShape = good.deepCopy();
    ((ObjectNode) badShape.path("meta")).putArray("input_shape").add(1).add(8);
    Files.writeString(f, badShape.toString());
    assertBad(f, "meta.input_shape");

    assertBad(dir.resolve("absent.json"), "no such file");
  }

  @Test
  void aTableOfAnotherSupernetIsRefusedWithTheReason() {
    NasBench201Space space = new NasBench201Space(1, 4);
    Supernet net = Supernets.create(space, new Shape(1, 8, 8), 10);
    Path f = dir.resolve("t.json");
    fitting(net, 1).write(f);
    assertThat(LatencyTable.load(f, net).ops()).hasSize(18);

    Supernet twoCells = Supernets.create(new NasBench201Space(2, 4), new Shape(1, 8, 8), 10);
    assertThatThrownBy(() -> LatencyTable.load(f, twoCells))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("18 mixed ops, the supernet has 36");
    Supernet wider = Supernets.create(new NasBench201Space(1, 8), new Shape(1, 8, 8), 10);
    assertThatThrownBy(() -> LatencyTable.load(f, wider)).hasMessageContaining("input shape [4, 8, 8]");
    Supernet colour = Supernets.create(space, new Shape(3, 8, 8), 10);
    assertThatThrownBy(() -> LatencyTable.load(f, colour)).hasMessageContaining("input shape [1, 8, 8], the supernet takes [3, 8, 8]");
    assertThatThrownBy(() -> small().predictedLatency(space.sample(Rng.of(1)), net))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("space 'toy'");
  }

  private static void assertBad(Path f, String what) {
    assertThatThrownBy(() -> LatencyTable.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("latency table " + f)
        .hasMessageContaining(what);
  }
}
