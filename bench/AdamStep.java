import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.jnas.train.FlatAdam;
import dev.jnas.train.SavableAdam;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Adam step alone, microseconds per step: DJL's Adam once per array (SavableAdam, jnas's update
 * before FlatAdam) against FlatAdam's one update on a flat buffer, on K arrays of N elements each
 * with gradients from autograd (the backward pass is not timed). Alternates the two, R rounds.
 *
 * <p>Run: java -Dai.djl.offline=true -cp target/jnas.jar bench/AdamStep.java [K] [N] [steps] [rounds]
 */
public class AdamStep {
  public static void main(String[] a) {
    int k = a.length > 0 ? Integer.parseInt(a[0]) : 24;
    int n = a.length > 1 ? Integer.parseInt(a[1]) : 256;
    int steps = a.length > 2 ? Integer.parseInt(a[2]) : 2000;
    int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 3;
    System.out.printf(Locale.ROOT, "Adam step, %d arrays x %d elements, %d steps per run (us per step)%n", k, n, steps);
    for (int r = 0; r < rounds; r++) {
      double perArray = run(k, n, steps, false);
      double flat = run(k, n, steps, true);
      System.out.printf(Locale.ROOT, "round %d: per array %.1f  flat %.1f  ratio %.2f%n", r + 1, perArray, flat, perArray / flat);
    }
  }

  private static double run(int k, int n, int steps, boolean flat) {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> arrays = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(n));
        x.setRequiresGradient(true);
        arrays.add(x);
        ids.add("a" + i);
      }
      FlatAdam flatAdam = null;
      SavableAdam adam = null;
      if (flat) {
        flatAdam = FlatAdam.forArrays(arrays, ids, FlatAdam.Settings.of(1e-3f), m);
        arrays = flatAdam.arrays();
      } else {
        adam = new SavableAdam(1e-3f, 0, Map.of(), m);
      }
      long timed = 0;
      for (int s = 0; s < steps + 500; s++) {
        try (NDManager round = m.newSubManager()) {
          try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (NDArray x : arrays) {
              NDArray part = x.mul(x).sum();
              loss = loss == null ? part : loss.add(part);
            }
            c.backward(loss);
          }
          long t0 = System.nanoTime();
          if (flat) {
            flatAdam.step(round);
          } else {
            for (int i = 0; i < k; i++) {
              NDArray w = arrays.get(i);
              NDArray g = w.getGradient();
              g.attach(round);
              adam.update(ids.get(i), w, g);
              JniUtils.zeroGrad((PtNDArray) w);
            }
          }
          if (s >= 500) { // the first 500 steps warm up
            timed += System.nanoTime() - t0;
          }
        }
      }
      return timed / 1e3 / steps;
    }
  }
}
