package dev.jnas.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.Json;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One architecture of every trainable image space, exported to ONNX with random weights (batch-norm
 * statistics included) and run in ONNX Runtime on random pixels: its logits match jnas's own
 * inference forward pass.
 */
class OnnxExportTest {
  static final double TOLERANCE = 1e-4;
  private static final int BATCH = 3;
  /** Largest difference per space, printed at the end (the report quotes them). */
  private static final Map<String, Double> DIFFS = new LinkedHashMap<>();

  @AfterAll
  static void report() {
    DIFFS.forEach((k, v) -> System.out.printf("max |onnx - djl| %-40s %.3g%n", k, v));
  }

  static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Exports {@code arch} of the space and returns the largest logit difference. */
  static double check(String label, String spaceYaml, String modelYaml, String arch, Shape input, int classes) throws Exception {
    SearchSpace space = SearchSpaces.fromConfig(yaml(spaceYaml));
    ModelBuilder builder = ModelBuilders.fromConfig(modelYaml == null ? null : yaml(modelYaml), space);
    Block block = builder.build(space.decode(arch), input, classes);
    Shape batch = new Shape(BATCH).addAll(input);
    int c = (int) input.get(0);
    float[] mean = new float[c];
    float[] std = new float[c];
    SplittableRandom rng = new SplittableRandom(label.hashCode());
    for (int k = 0; k < c; k++) {
      mean[k] = (float) rng.nextDouble(0.2, 0.6);
      std[k] = (float) rng.nextDouble(0.2, 0.4);
    }
    try (Model model = Model.newInstance("export-test")) {
      model.setBlock(block);
      NDManager m = model.getNDManager();
      block.initialize(m, DataType.FLOAT32, batch);
      randomise(block, rng);
      float[] pixels = new float[(int) batch.size()];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = rng.nextInt(256);
      }
      float[] djl;
      try (NDManager s = m.newSubManager()) {
        Shape perChannel = new Shape(1, c, 1, 1);
        NDArray x = s.create(pixels, batch).div(255f).sub(s.create(mean, perChannel)).div(s.create(std, perChannel));
        djl = block.forward(new ParameterStore(s, false), new NDList(x), false).singletonOrThrow().toFloatArray();
      }
      byte[] onnx = OnnxExport.toOnnx(block, input, mean, std, classes, Map.of(OnnxExport.ARCHITECTURE, arch), null);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), batch.getShape());
          OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
        float[][] logits = (float[][]) r.get(OnnxExport.LOGITS).orElseThrow().getValue();
        float[][] probabilities = (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
        assertThat(session.getMetadata().getCustomMetadata()).containsEntry(OnnxExport.ARCHITECTURE, arch);
        double diff = 0;
        for (int i = 0; i < BATCH; i++) {
          assertThat(logits[i]).hasSize(classes);
          double sum = 0;
          for (int k = 0; k < classes; k++) {
            diff = Math.max(diff, Math.abs(logits[i][k] - djl[i * classes + k]));
            sum += probabilities[i][k];
          }
          assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        DIFFS.merge(label, diff, Math::max);
        assertThat(diff).as("%s: %s", label, arch).isLessThan(TOLERANCE);
        return diff;
      }
    }
  }

  /**
   * Random values for every parameter: weights stay small, batch-norm statistics move away from
   * (0, 1) so that a mistake in how they are applied shows.
   */
  static void randomise(Block block, SplittableRandom rng) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      String n = p.getKey();
      float[] v = new float[(int) a.size()];
      long fanIn = a.getShape().dimension() > 1 ? a.getShape().size() / a.getShape().get(0) : 1;
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (n.endsWith("runningVar") ? rng.nextDouble(0.5, 2)
            : n.endsWith("gamma") ? rng.nextDouble(0.5, 1.5)
            : n.endsWith("runningMean") || n.endsWith("beta") || n.endsWith("bias") ? rng.nextDouble(-0.5, 0.5)
            : rng.nextDouble(-1, 1) * Math.sqrt(3.0 / fanIn));
      }
      a.set(v);
    }
  }

  @Test
  void nasBench201WithEveryOpAndAZeroNode() throws Exception {
    String space = "{name: nasbench201, params: {cells_per_stage: 1, channels: 4}}";
    Shape in = new Shape(3, 9, 9); // odd sizes: the reductions' pooling shortcut runs in ceil mode
    check("nasbench201", space, null, "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", in, 5);
    check("nasbench201", space, null, "|none~0|+|avg_pool_3x3~0|none~1|+|none~0|nor_conv_1x1~1|skip_connect~2|", in, 5);
  }

  @Test
  void nasRlMacroWithPaddedConcatenationsAndEnasOps() throws Exception {
    check("nasrl-macro", "{name: nasrl-macro, params: {layers: 4, filter_sizes: [1, 3, 5], filters: [4, 6], strides: true}}",
        null, "3x3x4s1;5x1x6s2<0;1x5x4s2<0,1;3x3x6s1", new Shape(2, 9, 9), 4);
    check("nasrl-macro (ENAS ops)", "{name: nasrl-macro, params: {layers: 6, ops: [conv3x3, conv5x5, sep3x3, sep5x5, max3x3, avg3x3]}}",
        null, "conv3x3;conv5x5<0;sep3x3;sep5x5<1,2;max3x3<0;avg3x3<3,4", new Shape(1, 8, 8), 4);
  }

  @Test
  void cellsWithEveryOpInNormalAndReductionCells() throws Exception {
    String space = "{name: cell, params: {blocks: 6, ops: [identity, avg_pool_3x3, max_pool_3x3, conv_1x1, conv_3x3,"
        + " conv_1x7_7x1, sep_conv_3x3, sep_conv_5x5, sep_conv_7x7, dil_conv_3x3, dil_conv_5x5], cells_per_stack: 1,"
        + " filters: 4, stacks: 2}}";
    String a = "0,identity,1,avg_pool_3x3/1,max_pool_3x3,0,conv_1x1/0,conv_3x3,1,conv_1x7_7x1/1,sep_conv_3x3,0,sep_conv_5x5"
        + "/0,sep_conv_7x7,2,dil_conv_3x3/1,dil_conv_5x5,3,identity";
    // one output block (the others are consumed), and blocks reading earlier blocks
    String b = "0,identity,1,avg_pool_3x3/2,max_pool_3x3,0,conv_1x1/3,conv_3x3,2,conv_1x7_7x1/4,sep_conv_3x3,1,sep_conv_5x5"
        + "/0,sep_conv_7x7,5,dil_conv_3x3/6,dil_conv_5x5,1,identity";
    // 9x9: the reduction cell and the factorized reductions meet odd sizes
    check("cell", space, null, "normal:" + a + ";reduce:" + a, new Shape(3, 9, 9), 6);
    check("cell", space, null, "normal:" + b + ";reduce:" + b, new Shape(3, 9, 9), 6);
  }

  @Test
  void progressiveCellsAsPnasTrainsThem() throws Exception {
    check("cell (progressive, pnas)", "{name: cell, params: {blocks: 3, preset: pnas, progressive: true, cells_per_stack: 1, filters: 4, stacks: 2}}",
        null, "cell:0,sep_conv_3x3,1,identity/2,max_pool_3x3,0,conv_1x7_7x1", new Shape(1, 8, 8), 3);
  }

  @Test
  void resnetScopeWithEveryKernelAndActivation() throws Exception {
    check("resnet50-scope", "{name: resnet50-scope, params: {scope: f, width: 0.02, blocks: [1, 1, 1, 1]}}",
        null, "k5_mish,k3_leaky_relu,k5_relu,k3_mish", new Shape(3, 9, 9), 4);
    // large images get ImageNet's stem: conv7x7 stride 2 and a padded 3x3 max pool with stride 2
    check("resnet50-scope (ImageNet stem)", "{name: resnet50-scope, params: {scope: s, width: 0.02, blocks: [1, 1, 1, 1]}}",
        null, "k5_mish", new Shape(3, 129, 129), 3);
  }

  @Test
  void aLambdaBlockIsRefusedWithItsPath() {
    ai.djl.nn.SequentialBlock net = new ai.djl.nn.SequentialBlock()
        .add(ai.djl.nn.core.Linear.builder().setUnits(3).build())
        .add(ai.djl.nn.Activation.reluBlock());
    try (Model model = Model.newInstance("lambda")) {
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, 1, 2, 2));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> OnnxExport.toOnnx(net, new Shape(1, 2, 2), new float[] {0}, new float[] {1}, 3, Map.of(), null))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("02LambdaBlock")
          .hasMessageContaining("a LambdaBlock, whose function ONNX cannot see");
    }
  }

  @Test
  void morphismGraphsWithPoolsSumsAndConcatenations() throws Exception {
    String g = "c1=conv3x3(4)<input; p1=pool<c1; c2=conv3x3(5)<p1; c3=conv1x1(5)<p1; a=add<c2,c3; k=concat<a,c2; c4=conv5x5(3)<k";
    check("graph", "{name: graph, params: {input: [1, 12, 12], start: \"" + g + "\"}}", null, g, new Shape(1, 12, 12), 4);
  }

  @Test
  void layersTemplatesWithEveryLayerKindAndActivation() throws Exception {
    String space = """
        name: declarative
        params:
          decisions:
            - {name: act, options: [relu, gelu, tanh, sigmoid, swish, mish, leaky_relu, elu, selu, softplus]}
            - {name: pool, options: [max, avg]}
            - {name: global, options: [global_avg, global_max]}
        """;
    String model = """
        layers:
          - conv: {kernel: 3, filters: 4}
            activation: $act
          - pool: $pool
          - conv: {kernel: 3, filters: 5, stride: 2, batch_norm: false}
            activation: $act
          - pool: {type: $global}
          - dropout: 0.3
          - dense: 6
            activation: $act
        """;
    String flat = """
        layers:
          - conv: {kernel: 5, filters: 3, batch_norm: false}
          - pool: {type: $pool, size: 3, stride: 2}
          - flatten: true
          - dense: 7
            activation: $act
          - dense: 5
        """;
    String[] acts = {"relu", "gelu", "tanh", "sigmoid", "swish", "mish", "leaky_relu", "elu", "selu", "softplus"};
    for (int k = 0; k < acts.length; k++) {
      String arch = "act=" + acts[k] + ",pool=" + (k % 2 == 0 ? "max" : "avg") + ",global=" + (k % 3 == 0 ? "global_max" : "global_avg");
      check("layers", space, model, arch, new Shape(2, 11, 11), 3);
    }
    check("layers", space.replace("- {name: global, options: [global_avg, global_max]}\n", ""), flat,
        "act=elu,pool=avg", new Shape(1, 10, 10), 3);
  }
}
