package dev.jnas.oneshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Measuring a tiny NAS-Bench-201 supernet: sane values and reuse; no speed claims. */
class LatencyMeasurerTest {
  private static final int NONE = NasBench201Space.OPS.indexOf("none");
  private static final int SKIP = NasBench201Space.OPS.indexOf("skip_connect");
  private static final int CONV3 = NasBench201Space.OPS.indexOf("nor_conv_3x3");

  private final NasBench201Space space = new NasBench201Space(1, 4);
  private final LatencyMeasurer measurer = new LatencyMeasurer(new LatencyMeasurer.Settings(1, 1, 3, 2));

  @Test
  void measuresEveryCandidateOfATinySupernet() {
    LatencyTable t = measurer.measure(space, Json.MAPPER.createObjectNode().put("channels", 4), new Shape(1, 8, 8), 10);
    Supernet net = Supernets.create(space, new Shape(1, 8, 8), 10);
    assertThat(t.mismatch(net)).isEmpty();
    assertThat(t.ops()).hasSize(18);
    Map<List<Long>, List<Double>> byShape = new HashMap<>();
    for (LatencyTable.OpLatency op : t.ops()) {
      List<Double> lat = op.latencyMs();
      assertThat(lat.get(NONE)).isZero();
      assertThat(lat.get(SKIP)).isZero();
      for (int k = 0; k < lat.size(); k++) {
        if (k != NONE && k != SKIP) {
          assertThat(lat.get(k)).as("op %d %s", op.id(), NasBench201Space.OPS.get(k)).isPositive().isFinite();
        }
      }
      assertThat(lat.get(CONV3)).isGreaterThan(lat.get(SKIP));
      // the six edges of a stage's cell apply the same ops at the same shape: timed once
      List<Double> first = byShape.putIfAbsent(op.inputShape(), lat);
      if (first != null) {
        assertThat(lat).isEqualTo(first);
      }
    }
    assertThat(byShape).hasSize(3); // 4x8x8, 8x4x4, 16x2x2
    assertThat(t.meta().distinctMeasured()).isEqualTo(9); // 3 stages x 3 block ops
    assertThat(t.meta().inputShape()).containsExactly(1L, 8L, 8L);
    assertThat(t.meta().repeats()).isEqualTo(3);
    assertThat(t.meta().threads()).isPositive();
    assertThat(t.meta().processors()).isPositive();
    assertThat(t.meta().engine()).startsWith("PyTorch");
    assertThat(t.meta().spaceParams().path("channels").asInt()).isEqualTo(4);
    assertThat(t.fixedMs()).isFinite();
    assertThat(t.calibration()).hasSize(2);
    for (LatencyTable.Calibration c : t.calibration()) {
      assertThat(c.measuredMs()).isPositive();
      Architecture a = space.decode(c.arch());
      assertThat(c.candidatesMs()).isCloseTo(t.predictedLatency(a, net) - t.fixedMs(), org.assertj.core.api.Assertions.within(1e-9));
    }
    double[] residuals = t.calibration().stream().mapToDouble(c -> c.measuredMs() - c.candidatesMs()).toArray();
    assertThat(t.fixedMs()).isEqualTo(LatencyMeasurer.median(residuals));
  }

  @Test
  void endToEndLatencyOfAStandaloneNetwork() {
    Architecture a = space.decode("|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|");
    Supernet net = Supernets.create(space, new Shape(1, 8, 8), 10);
    Block b = net.builder().build(a, net.inputShape(), 10);
    try (Model m = Model.newInstance("e2e")) {
      m.setBlock(b);
      b.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(2, 1, 8, 8));
      assertThat(measurer.measureEndToEnd(b, new Shape(1, 8, 8), 2)).isPositive().isFinite();
    }
    assertThat(measurer.measureStandalone(net, a)).isPositive().isFinite();
  }

  @Test
  void anUninitialisedSupernetIsRefused() {
    Supernet net = Supernets.create(space, new Shape(1, 8, 8), 10);
    assertThatThrownBy(() -> measurer.measure(net, null)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badSettingsNameTheSetting() {
    assertThatThrownBy(() -> new LatencyMeasurer.Settings(0, 1, 1, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("--batch");
    assertThatThrownBy(() -> new LatencyMeasurer.Settings(1, -1, 1, 1)).hasMessageContaining("--warmup");
    assertThatThrownBy(() -> new LatencyMeasurer.Settings(1, 1, 0, 1)).hasMessageContaining("--repeats");
    assertThatThrownBy(() -> new LatencyMeasurer.Settings(1, 1, 1, 0)).hasMessageContaining("--calibration");
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(LatencyMeasurer.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(LatencyMeasurer.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
