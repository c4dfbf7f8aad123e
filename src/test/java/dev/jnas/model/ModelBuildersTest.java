package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Decision;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBuildersTest {
  @Test
  void picksTheBuilderOfEachTrainableSpace() {
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("nasbench201", null))).isInstanceOf(NasBench201Builder.class);
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("nasrl-macro", null))).isInstanceOf(NasRlMacroBuilder.class);
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("cell", null))).isInstanceOf(CellBuilder.class);
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
}
