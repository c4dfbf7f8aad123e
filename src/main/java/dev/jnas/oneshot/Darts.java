package dev.jnas.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.space.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * DARTS (Liu et al. 2019): every mixed op outputs the softmax(alpha)-weighted sum of its
 * candidates; each step first updates alpha with Adam on a validation batch, then the weights
 * with SGD on a training batch. First order by default; {@code order: 2} takes the paper's
 * unrolled gradient with the finite-difference Hessian-vector product. The architecture is the
 * supernet's discretisation of softmax(alpha) ({@link dev.jnas.model.Supernet#derive}).
 */
final class Darts extends DifferentiableSearch {
  private final double xi; // the unrolled step's learning rate (the weights')
  private NDManager evaluation; // holds the weights of the last measurement

  Darts(SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed,
      double weightLearningRate) {
    super(trainer, params, train, val, eval, seed, 1e-3); // DARTS: alpha ~ 1e-3 * N(0, 1)
    this.xi = weightLearningRate;
  }

  @Override
  protected double[] trainEpoch(int epoch, Deadline deadline, Listener listener) {
    boolean archSteps = epoch > params.warmupEpochs();
    try (Endless valBatches = new Endless(val, epoch * 1000);
        Endless unrollBatches = new Endless(train, epoch * 1000 + 500)) {
      return weightSteps(epoch, deadline, listener, (s, step) -> {
        if (archSteps) {
          trainer.archStep(() -> archStep(valBatches.next(), params.order() == 2 ? unrollBatches.next() : null));
        }
        net.useWeights(alpha.softmaxArrays(step)); // grad mode is off: constants for the weight step
      });
    }
  }

  /** One Adam step of alpha on {@code valBatch} (second order: unrolled on {@code trainBatch}). */
  private void archStep(BatchLoader.HostBatch valBatch, BatchLoader.HostBatch trainBatch) {
    try (NDManager step = trainer.manager().newSubManager()) {
      if (trainBatch == null) {
        weighted(step, true);
        trainer.forwardBackward(valBatch, step, false);
        trainer.discardWeightGradients();
        alpha.stepFromAutograd(step);
      } else {
        alpha.step(unrolledGradient(valBatch, trainBatch, step), step);
      }
    }
  }

  /** Sets softmax(alpha) as the mixing weights, with the gradient to alpha when {@code grad}. */
  private void weighted(NDManager step, boolean grad) {
    JniUtils.setGradMode(grad);
    try {
      net.useWeights(alpha.softmaxArrays(step));
    } finally {
      JniUtils.setGradMode(false);
    }
  }

  /**
   * DARTS's second-order gradient: {@code dL_val(w', a)/da - xi * (dL_train(w+, a)/da -
   * dL_train(w-, a)/da) / (2 eps)}, with {@code w' = w - xi dL_train(w, a)/dw}, {@code w+- = w +-
   * eps dL_val(w', a)/dw'} and {@code eps = 0.01 / ||dL_val/dw'||}. The weights are restored after.
   */
  private List<double[]> unrolledGradient(
      BatchLoader.HostBatch valBatch, BatchLoader.HostBatch trainBatch, NDManager step) {
    List<Parameter> ps = trainer.sgd().parameters();
    List<NDArray> saved = new ArrayList<>();
    for (Parameter p : ps) {
      saved.add(p.getArray().duplicate());
      saved.get(saved.size() - 1).attach(step);
    }
    // w' = w - xi * dL_train/dw
    weighted(step, false);
    trainer.forwardBackward(trainBatch, step, false);
    boolean[] skip = trainer.unused();
    for (int i = 0; i < ps.size(); i++) {
      if (!skip[i]) {
        NDArray w = ps.get(i).getArray();
        NDArray g = w.getGradient();
        g.attach(step);
        w.subi(g.mul(xi));
      }
    }
    trainer.discardWeightGradients();
    // dL_val(w', a): alpha's gradient and the weights'
    weighted(step, true);
    trainer.forwardBackward(valBatch, step, false);
    List<double[]> grad = alpha.takeGradients(step);
    skip = trainer.unused();
    NDArray[] dw = new NDArray[ps.size()];
    double norm2 = 0;
    for (int i = 0; i < ps.size(); i++) {
      if (!skip[i]) {
        NDArray g = ps.get(i).getArray().getGradient();
        g.attach(step);
        dw[i] = g.duplicate();
        norm2 += dw[i].square().sum().getFloat();
      }
    }
    trainer.discardWeightGradients();
    double eps = 0.01 / Math.max(Math.sqrt(norm2), 1e-12);
    List<double[]> plus = trainGradientAt(ps, saved, dw, eps, trainBatch, step);
    List<double[]> minus = trainGradientAt(ps, saved, dw, -eps, trainBatch, step);
    for (int i = 0; i < ps.size(); i++) {
      ps.get(i).getArray().set(new ai.djl.ndarray.index.NDIndex("..."), saved.get(i));
    }
    for (int l = 0; l < grad.size(); l++) {
      for (int k = 0; k < grad.get(l).length; k++) {
        grad.get(l)[k] -= xi * (plus.get(l)[k] - minus.get(l)[k]) / (2 * eps);
      }
    }
    return grad;
  }

  /** dL_train/da at weights {@code saved + e * dw}. */
  private List<double[]> trainGradientAt(
      List<Parameter> ps, List<NDArray> saved, NDArray[] dw, double e, BatchLoader.HostBatch batch, NDManager step) {
    for (int i = 0; i < ps.size(); i++) {
      NDArray w = ps.get(i).getArray();
      w.set(new ai.djl.ndarray.index.NDIndex("..."), saved.get(i));
      if (dw[i] != null) {
        w.addi(dw[i].mul(e));
      }
    }
    weighted(step, true);
    trainer.forwardBackward(batch, step, false);
    trainer.discardWeightGradients();
    return alpha.takeGradients(step);
  }

  /**
   * The supernet itself, softmax(alpha)-weighted: its ops co-adapt inside the mixture, so a
   * discrete sub-network read out of DARTS's weights scores far below what it reaches when trained
   * (the discretisation gap), and the mixture is what DARTS optimises.
   */
  @Override
  protected void useForEvaluation(Architecture arch) {
    if (evaluation != null) {
      evaluation.close(); // the previous measurement's weights
    }
    evaluation = trainer.manager().newSubManager();
    net.useWeights(alpha.softmaxArrays(evaluation));
  }

  @Override
  public void close() {
    if (evaluation != null) {
      evaluation.close();
    }
  }

  @Override
  protected void describeEpoch(ObjectNode record) {
    record.put("val_measure", "supernet (softmax(alpha)-weighted)");
  }
}
