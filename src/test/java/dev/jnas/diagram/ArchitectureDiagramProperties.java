package dev.jnas.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.Architecture;
import dev.jnas.space.ArchitectureGraph;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random architectures and random labels: a diagram is always produced and always well-formed. */
class ArchitectureDiagramProperties {
  private static final SearchSpace NB201 = SearchSpaces.create("nasbench201", null);
  private static final SearchSpace CELL = SearchSpaces.create("cell", DiagramCases.params("{blocks: 3}"));
  private static final SearchSpace MACRO = SearchSpaces.create("nasrl-macro", DiagramCases.params("{layers: 5}"));
  private static final SearchSpace RNN = SearchSpaces.create("enas-rnn", DiagramCases.params("{nodes: 6}"));

  @Property(tries = 40)
  void randomNasBench201CellsDraw(@ForAll long seed) {
    Architecture a = NB201.sample(new SplittableRandom(seed));
    SvgCheck c = new SvgCheck(ArchitectureDiagram.svg(NB201, a)).wellFormedDrawing();
    assertThat(c.nodes).hasSize(4);
    assertThat(c.edges).hasSize(DiagramCases.nb201Edges(NB201, a));
  }

  @Property(tries = 25)
  void randomCellsDraw(@ForAll long seed) {
    Architecture a = CELL.sample(new SplittableRandom(seed));
    SvgCheck c = new SvgCheck(ArchitectureDiagram.svg(CELL, a)).wellFormedDrawing();
    assertThat(c.nodes).hasSize(DiagramCases.cellNodes(CELL, a));
    assertThat(c.edges).hasSize(DiagramCases.cellEdges(CELL, a));
  }

  @Property(tries = 25)
  void randomMacroNetworksAndRecurrentCellsDraw(@ForAll long seed) {
    Architecture m = MACRO.sample(new SplittableRandom(seed));
    SvgCheck c = new SvgCheck(ArchitectureDiagram.svg(MACRO, m)).wellFormedDrawing();
    assertThat(c.edges).hasSize(DiagramCases.macroEdges(MACRO, m));
    Architecture r = RNN.sample(new SplittableRandom(seed));
    SvgCheck d = new SvgCheck(ArchitectureDiagram.svg(RNN, r)).wellFormedDrawing();
    assertThat(d.edges).hasSize(DiagramCases.enasRnnEdges(RNN, r));
  }

  /** Arbitrary choice indices, valid or not, never make the diagram fail. */
  @Property(tries = 40)
  void arbitraryIndicesNeverFail(@ForAll @IntRange(min = -3, max = 12) int a, @ForAll @IntRange(min = 0, max = 40) int b,
      @ForAll @IntRange(min = 0, max = 8) int length) {
    int[] choices = new int[length];
    for (int i = 0; i < length; i++) {
      choices[i] = i % 2 == 0 ? a : b;
    }
    for (SearchSpace s : new SearchSpace[] {NB201, CELL, MACRO, RNN}) {
      new SvgCheck(ArchitectureDiagram.svg(s, new Architecture(s.name(), choices))).wellFormedDrawing();
    }
  }

  /** Any text as labels and ids: the XML stays well-formed. */
  @Property(tries = 60)
  void anyLabelsStayWellFormed(@ForAll String label, @ForAll String id, @ForAll String edgeLabel) {
    ArchitectureGraph g = ArchitectureGraph.builder()
        .node("x" + id, label, ArchitectureGraph.NodeKind.INPUT)
        .node("y" + id, label + "\n" + edgeLabel, ArchitectureGraph.NodeKind.OP)
        .edge("x" + id, "y" + id, edgeLabel, ArchitectureGraph.EdgeKind.DATA)
        .build();
    SvgCheck c = new SvgCheck(ArchitectureDiagram.svg(g, label)).wellFormedDrawing();
    assertThat(c.nodes).hasSize(2);
    assertThat(c.edges).hasSize(1);
  }
}
