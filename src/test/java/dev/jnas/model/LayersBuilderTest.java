package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.jnas.space.Architecture;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LayersBuilderTest {
  private static final Shape SMALL = new Shape(1, 12, 12);

  static final String SPACE = """
      decisions:
        - {name: kernel, options: [3, 5]}
        - {name: width, options: [4, 8]}
        - {name: act, options: [relu, gelu]}
        - {name: depth, options: [1, 2]}
        - {name: pool, options: [max, avg]}
        - {name: drop, options: [0, 0.5]}
        - {name: head, options: [16, 32]}
      """;

  static final String TEMPLATE = """
      layers:
        - conv: {kernel: $kernel, filters: $width}
          activation: $act
          repeat: $depth
        - pool: $pool
        - conv: {kernel: 3, filters: 8, stride: 2, batch_norm: false}
          activation: swish
        - dropout: $drop
        - dense: $head
          activation: relu
      """;

  private static ModelBuilder builder(SearchSpace space, String modelYaml) {
    return ModelBuilders.fromConfig(DeclarativeSpaces.yaml(modelYaml), space);
  }

  private static void rejected(String spaceYaml, String modelYaml, String... parts) {
    SearchSpace space = DeclarativeSpaces.of(spaceYaml);
    assertThatThrownBy(() -> builder(space, modelYaml).validate(SMALL, 10))
        .as(modelYaml)
        .isInstanceOf(BadInputException.class)
        .message()
        .contains(parts);
  }

  @Test
  void isRegisteredAndBuildsNothingWithoutATemplate() {
    assertThat(ModelBuilders.providers()).containsKey("layers");
    assertThatThrownBy(() -> ModelBuilders.forSpace(DeclarativeSpaces.of(SPACE)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'declarative' has no network builder")
        .hasMessageContaining("model: {layers: [...]}");
  }

  @Test
  void buildsTrainableNetworksThatGiveTheSameLogitsInBothLayouts() {
    SearchSpace space = DeclarativeSpaces.of(SPACE);
    ModelBuilder b = builder(space, TEMPLATE);
    Architecture big = space.decode("kernel=5,width=8,act=gelu,depth=2,pool=avg,drop=0.5,head=32");
    NetworkChecks.forwardAndStep(b, big, NetworkChecks.MNIST, 10);
    NetworkChecks.forwardAndStep(b, space.sample(dev.jnas.util.Rng.of(1)), NetworkChecks.CIFAR, 7);
    NetworkChecks.sameInBothLayouts(b, space.decode("kernel=3,width=4,act=relu,depth=1,pool=max,drop=0,head=16"),
        NetworkChecks.CIFAR, 10);
  }

  @Test
  void flopsAreTheHandCount() {
    SearchSpace space = DeclarativeSpaces.of("decisions: [{name: f, options: [4, 6]}, {name: k, options: [3, 5]}]");
    ModelBuilder b = builder(space, """
        layers:
          - conv: {kernel: 3, filters: $f}
            activation: relu
          - pool: max
          - conv: {kernel: $k, filters: 2, stride: 2}
          - dense: 16
        """);
    Shape in = new Shape(1, 8, 8);
    // conv 3x3x1->4 on 8x8: 9*1*4*64 = 2304; pool -> 4x4x4; conv kxk 4->2 stride 2 -> 2x2x2:
    // k=3: 9*4*2*4 = 288; flatten 8 -> dense 16: 128; output 16*10 = 160
    assertThat(b.flops(space.decode("f=4,k=3"), in, 10)).isEqualTo(2304 + 288 + 128 + 160);
    // f=6: 9*1*6*64 = 3456; conv 5x5 6->2 stride 2: 25*6*2*4 = 1200; dense 128; output 160
    assertThat(b.flops(space.decode("f=6,k=5"), in, 10)).isEqualTo(3456 + 1200 + 128 + 160);
  }

  /** Parameters, multiply-adds and training-mode logits of a network, with seeded weights and input. */
  private static String fingerprint(ModelBuilder b, Architecture a) {
    Shape batch = new Shape(3).addAll(SMALL);
    Block block = b.build(a, SMALL, 10);
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      block.initialize(m, DataType.FLOAT32, batch);
      NDArray x = m.create(NetworkChecks.randomFloats(batch.size(), 3), batch);
      Engine.getInstance().setRandomSeed(11); // the dropout mask
      float[] y = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow().toFloatArray();
      long params = block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
      return params + "/" + b.flops(a, SMALL, 10) + "/" + Arrays.toString(y);
    }
  }

  @Test
  void everyReferencedDecisionChangesTheNetwork() {
    SearchSpace space = DeclarativeSpaces.of(SPACE);
    ModelBuilder b = builder(space, TEMPLATE);
    Architecture base = space.decode("kernel=3,width=4,act=relu,depth=1,pool=max,drop=0,head=16");
    String reference = fingerprint(b, base);
    assertThat(fingerprint(b, base)).as("the fingerprint is reproducible").isEqualTo(reference);
    for (int d = 0; d < space.decisions().size(); d++) {
      assertThat(fingerprint(b, base.with(d, 1))).as(space.decisions().get(d).name()).isNotEqualTo(reference);
    }
  }

  @Test
  void everyActivationAndPoolingBuilds() {
    String acts = String.join(", ", LayersTemplate.ACTIVATIONS);
    SearchSpace space = DeclarativeSpaces.of("decisions: [{name: act, options: [" + acts + "]},"
        + " {name: pool, options: [max, avg, global_avg, global_max]}]");
    ModelBuilder b = builder(space, "layers: [{conv: {kernel: 3, filters: 4}, activation: $act}, {pool: $pool},"
        + " {activation: $act}, {flatten: true}]");
    space.enumerate().forEach(a -> {
      try (NDManager m = NDManager.newBaseManager()) {
        Block block = b.build(a, SMALL, 5);
        Shape batch = new Shape(2).addAll(SMALL);
        block.initialize(m, DataType.FLOAT32, batch);
        NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.ones(batch)), false).singletonOrThrow();
        assertThat(y.getShape()).as(space.encode(a)).isEqualTo(new Shape(2, 5));
        assertThat(block.getOutputShapes(new Shape[] {batch})[0]).isEqualTo(new Shape(2, 5));
      }
    });
  }

  @Test
  void badTemplatesAreRejectedNamingTheLayerAndField() {
    String one = "decisions: [{name: k, options: [3, 5]}]";
    rejected(one, "layers: [{conv: {kernel: $kernal, filters: 4}}]",
        "model layers: parameter 'layers[0].conv.kernel': '$kernal' names no decision of search space declarative (decisions: k)");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}}, {conv: {kernel: 4, filters: 4}}]",
        "model layers: parameter 'layers[1].conv.kernel' must be an odd integer in 1..99 or a $decision, got 4");
    rejected("decisions: [{name: w, options: [4, 0]}]", "layers: [{conv: {kernel: 3, filters: $w}}]",
        "parameter 'layers[0].conv.filters' must be an integer in 1..65536, but decision 'w' has option '0'");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}, activation: relu6}]",
        "parameter 'layers[0].activation' must be one of none, relu, gelu");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}, pool: max}]", "layers[0] holds conv and pool; one layer per entry");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}}, {repeat: 2}]", "layers[1] needs one of conv, pool");
    rejected(one, "layers: [{conv: {kernel: $k}}]", "parameter 'layers[0].conv.filters' is missing");
    rejected(one, "layers: [{conv: {kernel: $k, filter: 4}}]",
        "model layers: unknown parameter 'layers[0].conv.filter' (valid: kernel, filters, stride, batch_norm)");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}}, {pool: {type: max, sise: 2}}]",
        "model layers[1].pool: unknown parameter 'sise' (valid: type, size, stride)");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}}, {dropout: 1.0}]", "parameter 'layers[1].dropout' must be a number in [0, 1)");
    rejected(one, "layers: [{conv: {kernel: $k, filters: 4}}, {dense: 2.5}]", "parameter 'layers[1].dense' must be an integer");
    rejected(one, "layers: [{conv: {kernel: $k, filters: [4]}}]", "parameter 'layers[0].conv.filters' must be an integer");
    rejected(one, "layers: []", "model layers: needs 'layers'");
    rejected(one, "{layers: [{conv: {kernel: $k, filters: 4}}], colour: red}",
        "model layers: unknown parameter 'colour' (valid: layers)");
    rejected("decisions: [{name: k, options: [3, 5]}, {name: extra, options: [1, 2]}]",
        "layers: [{conv: {kernel: $k, filters: 4}}]", "decision extra is not used by the template", "$extra");
  }

  @Test
  void templatesThatDoNotFitTheImagesAreRejectedBeforeAnyTrial() {
    // 12 -> 6 -> 3 -> 1 with three pools, then a 2x2 window does not fit
    rejected("decisions: [{name: n, options: [1, 3]}]",
        "layers: [{pool: max, repeat: $n}, {pool: max}]",
        "layers[1] (pool): a 2x2 window does not fit its 1x1 input, in architecture n=3", "(1, 12, 12)");
    rejected("decisions: [{name: n, options: [0, 1]}]",
        "layers: [{dense: 8, repeat: $n}, {conv: {kernel: 3, filters: 2}}]",
        "layers[1] (conv) needs an image input", "flattened it to 8 features", "n=1");
  }
}
