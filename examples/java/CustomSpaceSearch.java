// A search over your own space with your own DJL network: the space (how many conv blocks, how
// wide, which kernel) is a Java class, the network each architecture means is built by your own
// ModelBuilder, and jnas trains every candidate with its training evaluator (here on generated
// images; dataset: images or fashion-mnist work the same way), then retrains the best.
//
// Run it (after ./jnas has built target/jnas.jar once):
//   java -Dai.djl.offline=true -cp target/jnas.jar examples/java/CustomSpaceSearch.java [folder]

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.jnas.api.Experiment;
import dev.jnas.api.Trial;
import dev.jnas.model.ModelBuilder;
import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public class CustomSpaceSearch {
  public static void main(String[] args) {
    Path folder = Path.of(args.length > 0 ? args[0] : "experiments/custom-space");
    SmallCnnSpace space = new SmallCnnSpace();
    try (Experiment experiment =
        Experiment.builder()
            .name("custom-space")
            .folder(folder)
            .seed(3)
            .space(space)
            .model(new SmallCnnBuilder(space))
            .strategy("evolution", Map.of("population", 4, "sample", 2))
            .evaluator(Map.of(
                "type", "training",
                "dataset", "synthetic",
                "synthetic", Map.of("train", 600, "test", 200, "size", 12, "classes", 4),
                "training", Map.of("batch_size", 32, "learning_rate", 0.05)))
            .maxTrials(5)
            .epochsPerTrial(1)
            .finalTraining(true, 2)
            .open()) {
      var summary = experiment.run();
      for (Trial t : experiment.trials()) {
        System.out.printf("trial %d %s %s%n", t.id(), t.reward().map(r -> String.format("%.3f", r)).orElse(t.status().name()), t.decisions());
      }
      System.out.println("best: " + experiment.best().orElseThrow().string());
      System.out.printf("test accuracy of the retrained best: %.3f%n", summary.path("final").path("test_accuracy").asDouble());
    }
  }

  /** Your own space: three decisions; an architecture is one index per decision. */
  public static final class SmallCnnSpace extends AbstractSearchSpace {
    public SmallCnnSpace() {
      super("small-cnn", List.of(
          new Decision.IntRange("blocks", 1, 3),
          new Decision.Categorical("width", List.of("8", "16")),
          new Decision.Categorical("kernel", List.of("3", "5"))));
    }

    // A constraint of your own: three wide blocks are too slow for this machine.
    @Override
    public Optional<String> violation(Architecture arch) {
      Optional<String> structural = structuralViolation(arch);
      if (structural.isPresent()) {
        return structural;
      }
      return blocks(arch) == 3 && width(arch) == 16 ? Optional.of("3 blocks of width 16 are over budget") : Optional.empty();
    }

    int blocks(Architecture a) {
      return Integer.parseInt(decisions().get(0).label(a.get(0)));
    }

    int width(Architecture a) {
      return Integer.parseInt(decisions().get(1).label(a.get(1)));
    }

    int kernel(Architecture a) {
      return Integer.parseInt(decisions().get(2).label(a.get(2)));
    }
  }

  /** Your own network for an architecture: conv-ReLU blocks, a pooling, a linear classifier. */
  public static final class SmallCnnBuilder implements ModelBuilder {
    private final SmallCnnSpace space;

    public SmallCnnBuilder(SmallCnnSpace space) {
      this.space = space;
    }

    @Override
    public Block build(Architecture arch, Shape inputShape, int numClasses) {
      int k = space.kernel(arch);
      SequentialBlock net = new SequentialBlock();
      for (int b = 0; b < space.blocks(arch); b++) {
        net.add(Conv2d.builder().setKernelShape(new Shape(k, k)).optPadding(new Shape(k / 2, k / 2))
                .setFilters(space.width(arch)).build())
            .add(Activation::relu);
      }
      return net.add(Pool.globalAvgPool2dBlock())
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(numClasses).build());
    }

    @Override
    public long flops(Architecture arch, Shape inputShape, int numClasses) {
      long pixels = inputShape.get(1) * inputShape.get(2);
      long k2 = (long) space.kernel(arch) * space.kernel(arch);
      long w = space.width(arch);
      long first = pixels * k2 * inputShape.get(0) * w;
      return first + (space.blocks(arch) - 1) * pixels * k2 * w * w + w * numClasses;
    }
  }
}
