package dev.jnas.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.model.Supernet;
import dev.jnas.train.FlatAdam;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture parameters of a differentiable search: one logit vector alpha per supernet
 * label (softmax(alpha) are the option probabilities), updated by Adam, apart from the weights'
 * SGD. Arrays live in the owner's manager (the supernet model's). Not thread-safe.
 */
final class ArchParameters {
  private final List<NDArray> alphas = new ArrayList<>();
  private final NDManager owner;
  private final FlatAdam adam;
  private int steps;

  /**
   * @param init standard deviation of the initial logits (DARTS: 1e-3; 0: uniform)
   */
  ArchParameters(Supernet net, OneShotParams p, double init, long seed, NDManager owner) {
    this.owner = owner;
    Rng rng = Rng.of(seed);
    List<NDArray> fresh = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Supernet.Label l : net.labels()) {
      float[] v = new float[l.options().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) (init * rng.nextGaussian());
      }
      NDArray a = owner.create(v);
      a.setRequiresGradient(true);
      ids.add("alpha_" + fresh.size());
      fresh.add(a);
    }
    // all logits as views of one buffer: one Adam update per architecture step
    this.adam = FlatAdam.forArrays(fresh, ids, new FlatAdam.Settings(
            (float) p.archLearningRate(), (float) p.archBeta1(), 0.999f, (float) p.archWeightDecay()), owner);
    alphas.addAll(adam.arrays());
  }

  int size() {
    return alphas.size();
  }

  /** softmax(alpha) per label, read into Java. */
  List<float[]> probabilities() {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : alphas) {
      out.add(softmax(a.toFloatArray()));
    }
    return out;
  }

  static float[] softmax(float[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    double[] e = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      e[k] = Math.exp(v[k] - max);
      sum += e[k];
    }
    float[] p = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      p[k] = (float) (e[k] / sum);
    }
    return p;
  }

  /**
   * softmax(alpha) per label on the engine, in {@code step}; with gradient mode on, the result
   * carries the gradient back to alpha (DARTS's architecture step), else it is a constant.
   */
  NDArray[] softmaxArrays(NDManager step) {
    NDArray[] w = new NDArray[alphas.size()];
    for (int l = 0; l < w.length; l++) {
      w[l] = alphas.get(l).softmax(0);
      w[l].attach(step); // ops on alpha land in alpha's (long-lived) manager
    }
    return w;
  }

  /**
   * One option per label drawn from softmax(alpha) by Gumbel-max on the engine: {@code
   * argmax(alpha - log(-log U))} with U uniform from {@code rng} (DJL's PyTorch engine has no
   * multinomial; drawing U from the seeded generator keeps the search reproducible).
   */
  int[] sample(Rng rng, NDManager step) {
    int[] out = new int[alphas.size()];
    for (int l = 0; l < out.length; l++) {
      NDArray a = alphas.get(l);
      float[] u = new float[(int) a.size()];
      for (int k = 0; k < u.length; k++) {
        u[k] = (float) Math.max(rng.nextDouble(), 1e-12);
      }
      NDArray gumbel = step.create(u).log().neg().log().neg();
      out[l] = (int) gumbel.add(a).argMax().getLong(); // gumbel first: results go to its manager
    }
    return out;
  }

  /** Clears alpha's gradients (after a weight step that did not need them). */
  void zeroGradients() {
    for (NDArray a : alphas) {
      if (a.hasGradient()) {
        JniUtils.zeroGrad((PtNDArray) a);
      }
    }
  }

  /** One Adam step from the gradients autograd left on alpha; grad mode must be off. */
  void stepFromAutograd(NDManager step) {
    step(takeGradients(step), step);
  }

  /** The gradients autograd left on alpha, read into Java and cleared. */
  List<double[]> takeGradients(NDManager step) {
    List<double[]> out = new ArrayList<>();
    for (NDArray a : alphas) {
      NDArray g = a.getGradient();
      g.attach(step);
      float[] f = g.toFloatArray();
      double[] d = new double[f.length];
      for (int k = 0; k < f.length; k++) {
        d[k] = f[k];
      }
      out.add(d);
      JniUtils.zeroGrad((PtNDArray) a);
    }
    return out;
  }

  /** One Adam step from gradients computed in Java (ProxylessNAS's estimator); grad mode off. */
  void step(List<double[]> gradients, NDManager step) {
    int total = 0;
    for (double[] g : gradients) {
      total += g.length;
    }
    float[] f = new float[total];
    int at = 0;
    for (double[] g : gradients) {
      for (double v : g) {
        f[at++] = (float) v;
      }
    }
    adam.step(f, step);
    steps++;
  }

  /**
   * One Adam step that changes only the logits in {@code involved[label]}, shifted afterwards so
   * that their summed softmax mass is what it was (ProxylessNAS's two-path rescaling).
   */
  void stepKeepingOthers(List<double[]> gradients, int[][] involved, NDManager step) {
    List<float[]> before = new ArrayList<>();
    for (NDArray a : alphas) {
      before.add(a.toFloatArray());
    }
    step(gradients, step);
    for (int l = 0; l < alphas.size(); l++) {
      float[] old = before.get(l);
      float[] now = alphas.get(l).toFloatArray();
      boolean[] in = new boolean[old.length];
      double oldMass = 0;
      double newMass = 0;
      for (int i : involved[l]) {
        in[i] = true;
        oldMass += Math.exp(old[i]);
        newMass += Math.exp(now[i]);
      }
      double offset = Math.log(newMass / oldMass);
      for (int i = 0; i < now.length; i++) {
        now[i] = in[i] ? (float) (now[i] - offset) : old[i];
      }
      alphas.get(l).set(new ai.djl.ndarray.index.NDIndex("..."), step.create(now));
    }
  }

  /** The logits, Adam's moments and step count as JSON. */
  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("adam_steps", steps);
    ArrayNode rows = o.putArray("alpha");
    ArrayNode moments = o.putArray("adam");
    for (int l = 0; l < alphas.size(); l++) {
      rows.add(floats(alphas.get(l).toFloatArray()));
      ArrayNode m = moments.addArray();
      for (float[] slot : adam.moments("alpha_" + l)) {
        m.add(floats(slot));
      }
    }
    return o;
  }

  /** Continues from {@link #toJson()}'s form. */
  void restore(JsonNode o) {
    JsonNode rows = o.path("alpha");
    if (rows.size() != alphas.size()) {
      throw new IllegalArgumentException("saved architecture parameters have " + rows.size() + " rows, the supernet " + alphas.size());
    }
    Map<String, List<float[]>> moments = new HashMap<>();
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (int l = 0; l < alphas.size(); l++) {
        float[] v = toFloats(rows.get(l));
        NDArray a = alphas.get(l);
        if (v.length != a.size()) {
          throw new IllegalArgumentException("saved row " + l + " has " + v.length + " options, the supernet " + a.size());
        }
        a.set(new ai.djl.ndarray.index.NDIndex("..."), owner.create(v));
        List<float[]> m = new ArrayList<>();
        for (JsonNode slot : o.path("adam").path(l)) {
          m.add(toFloats(slot));
        }
        moments.put("alpha_" + l, m);
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    steps = o.path("adam_steps").asInt();
    adam.restore(steps, moments);
  }

  private static ArrayNode floats(float[] v) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (float x : v) {
      a.add(x); // JSON keeps a float's shortest decimal form, which reads back to the same float
    }
    return a;
  }

  private static float[] toFloats(JsonNode a) {
    float[] v = new float[a.size()];
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) a.get(k).asDouble();
    }
    return v;
  }
}
