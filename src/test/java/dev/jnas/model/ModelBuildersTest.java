package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import com.acme.PairModelBuilder;
import com.acme.PairSpace;
import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Decision;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBuildersTest {
  private static ModelBuilder fromConfig(String yaml, SearchSpace space) {
    return ModelBuilders.fromConfig(yaml == null ? null : DeclarativeSpaces.yaml(yaml), space);
  }

  private static void rejected(String yaml, SearchSpace space, String... parts) {
    assertThatThrownBy(() -> fromConfig(yaml, space)).as(yaml).isInstanceOf(BadInputException.class).message().contains(parts);
  }

  @Test
  void picksTheBuilderOfEachTrainableSpace() {
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("nasbench201", null))).isInstanceOf(NasBench201Builder.class);
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("nasrl-macro", null))).isInstanceOf(NasRlMacroBuilder.class);
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("cell", null))).isInstanceOf(CellBuilder.class);
    assertThat(fromConfig(null, SearchSpaces.create("cell", null))).isInstanceOf(CellBuilder.class);
    assertThat(fromConfig("{name: cell}", SearchSpaces.create("cell", null))).isInstanceOf(CellBuilder.class);
  }

  @Test
  void rejectsSpacesWithoutANetwork() {
    AbstractSearchSpace toy =
        new AbstractSearchSpace("toy", List.of(new Decision.IntRange("x", 0, 3))) {};
    assertThatThrownBy(() -> ModelBuilders.forSpace(toy))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'toy'")
        .hasMessageContaining("nasbench201");
  }

  @Test
  void aRegisteredPluginIsTheDefaultNetworkOfItsSpace() {
    assertThat(ModelBuilders.providers()).containsKeys("nasbench201", "nasrl-macro", "cell", "layers", "acme-pair");
    ModelBuilders.providers().values().forEach(p -> assertThat(p.description()).isNotBlank());
    PairSpace space = new PairSpace(3);
    assertThat(ModelBuilders.forSpace(space)).isInstanceOf(PairModelBuilder.class);
    ModelBuilder b = fromConfig("{name: acme-pair, params: {hidden: 2}}", space);
    assertThat(b.flops(space.decode("a=1,b=0"), new Shape(1, 2, 2), 3)).isEqualTo(4 * 4 + 4 * 3);
  }

  @Test
  void aBuilderOfAnotherSpaceOrWithUnknownParamsIsRejected() {
    rejected("{name: nasbench201}", SearchSpaces.create("cell", null), "model builder nasbench201 builds only search space nasbench201");
    rejected("{name: cell, params: {x: 1}}", SearchSpaces.create("cell", null), "model builder cell: unknown parameter 'x' (valid: none)");
    rejected("{name: resnet}", new PairSpace(2), "unknown model builder 'resnet' (valid: acme-pair, cell, graph, layers");
  }

  @Test
  void aClassIsABuilderWithASpaceOrParamsConstructorOrAProvider() {
    PairSpace space = new PairSpace(2);
    ModelBuilder b = fromConfig("{class: com.acme.PairModelBuilder, params: {hidden: 5}}", space);
    assertThat(b).isInstanceOf(PairModelBuilder.class);
    assertThat(b.flops(space.decode("a=0,b=0"), new Shape(1, 2, 2), 2)).isEqualTo(4 * 5 + 5 * 2);
    assertThat(fromConfig("{class: com.acme.PairModelBuilderProvider}", space)).isInstanceOf(PairModelBuilder.class);
    NetworkChecks.forwardAndStep(b, space.decode("a=1,b=1"), NetworkChecks.MNIST, 10);
  }

  @Test
  void badClassesAreNamedWithTheProblem() {
    PairSpace pair = new PairSpace(2);
    rejected("{class: com.acme.NoSuchBuilder}", pair, "model builder class 'com.acme.NoSuchBuilder' is not on the class path");
    rejected("{class: com.acme.PairSpace}", pair, "'com.acme.PairSpace' is neither a dev.jnas.model.ModelBuilder nor a");
    rejected("{class: com.acme.PairModelBuilder}", SearchSpaces.create("nasbench201", null),
        "com.acme.PairModelBuilder", "needs a public constructor taking (the space, the params)",
        "dev.jnas.space.NasBench201Space", "it has (PairSpace, JsonNode)");
    rejected("{class: com.acme.Misfits.ThrowingBuilder}", pair, "com.acme.Misfits$ThrowingBuilder",
        "its constructor failed: UnsupportedOperationException: no GPU here");
    rejected("{class: com.acme.Misfits.ThrowingBuilder, params: {hidden: 3}}", pair, "takes no params");
    rejected("{class: com.acme.PairModelBuilder, params: {depth: 3}}", pair,
        "com.acme.PairModelBuilder", "model builder acme: unknown parameter 'depth' (valid: hidden)");
    rejected("{class: com.acme.PairModelBuilder, name: acme-pair}", pair, "exactly one of 'name'");
  }
}
