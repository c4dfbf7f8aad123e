package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.pytorch.jni.JniUtils;
import dev.jnas.space.Architecture;

/** Checks every supernet must pass, shared by the per-space tests. */
final class SupernetChecks {
  private SupernetChecks() {}

  /** Initialises the supernet's block in {@code manager} with random weights. */
  static void initialize(Supernet net, NDManager manager) {
    Shape in = net.inputShape();
    net.block().initialize(manager, DataType.FLOAT32, new Shape(2, in.get(0), in.get(1), in.get(2)));
  }

  /**
   * The largest absolute difference between the supernet's sub-network for {@code arch} and the
   * stand-alone network given the same weights, on a random batch, in training and inference mode.
   */
  static double maxDifferenceFromStandalone(Supernet net, Architecture arch, NDManager manager, long seed) {
    Shape in = net.inputShape();
    Block standalone = net.builder().build(arch, in, net.numClasses());
    try (Model m = Model.newInstance("standalone")) {
      m.setBlock(standalone);
      standalone.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(2, in.get(0), in.get(1), in.get(2)));
      net.copyTo(arch, standalone);
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager sub = manager.newSubManager()) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        NDArray x = sub.randomNormal(new Shape(4, in.get(0), in.get(1), in.get(2)));
        double worst = 0;
        for (boolean training : new boolean[] {false, true}) {
          net.useArchitecture(arch);
          net.beginPass(false);
          NDArray a = net.block().forward(new ParameterStore(sub, false), new NDList(x), training).singletonOrThrow();
          NDArray b = standalone.forward(new ParameterStore(sub, false), new NDList(x), training).singletonOrThrow();
          assertThat(a.getShape()).isEqualTo(b.getShape());
          worst = Math.max(worst, a.sub(b).abs().max().getFloat());
        }
        return worst;
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
  }

  /** Asserts, for every architecture, that its sub-network computes the stand-alone network's output (< 1e-5). */
  static void assertSubNetworksMatchStandalone(Supernet net, java.util.List<Architecture> archs) {
    try (Model m = Model.newInstance("supernet")) {
      initialize(net, m.getNDManager());
      for (int i = 0; i < archs.size(); i++) {
        Architecture a = archs.get(i);
        assertThat(maxDifferenceFromStandalone(net, a, m.getNDManager(), i))
            .as("sub-network of %s", net.space().encode(a))
            .isLessThan(1e-5);
      }
    }
  }
}
