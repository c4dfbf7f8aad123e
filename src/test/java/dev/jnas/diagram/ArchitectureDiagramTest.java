package dev.jnas.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.Architecture;
import dev.jnas.space.ArchitectureGraph;
import dev.jnas.space.CellSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ArchitectureDiagramTest {
  static List<DiagramCases.Case> cases() {
    return DiagramCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everySpaceDrawsOneElementPerNodeAndEdge(DiagramCases.Case c) {
    SearchSpace space = c.space();
    for (int seed = 0; seed < 3; seed++) {
      Architecture arch = space.sample(new SplittableRandom(seed));
      String svg = ArchitectureDiagram.svg(space, arch);
      SvgCheck check = new SvgCheck(svg).wellFormedDrawing();
      assertThat(check.nodes).as("%s nodes of %s", c.name(), space.encode(arch)).hasSize(c.nodes().applyAsInt(space, arch));
      assertThat(check.edges).as("%s edges of %s", c.name(), space.encode(arch)).hasSize(c.edges().applyAsInt(space, arch));
      assertThat(ArchitectureDiagram.svg(space, arch)).as("same architecture, same bytes").isEqualTo(svg);
      // the title names the architecture
      assertThat(check.doc.getElementsByTagNameNS("*", "title").item(0).getTextContent())
          .isEqualTo(space.name() + ": " + space.encode(arch));
    }
  }

  /** Spaces drawn as the chain of their decisions: those without a structure of their own. */
  private static final java.util.Set<String> CHAINS = java.util.Set.of("plain", "declarative", "table", "hyperparameters");

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void spacesWithAStructureDrawItAndOthersTheirDecisions(DiagramCases.Case c) {
    SearchSpace space = c.space();
    ArchitectureGraph g = ArchitectureDiagram.graph(space, space.sample(new SplittableRandom(1)));
    boolean chain = g.nodes().stream()
        .allMatch(n -> n.kind() == ArchitectureGraph.NodeKind.DECISION || n.id().endsWith("space"));
    assertThat(chain).as(c.name()).isEqualTo(CHAINS.contains(c.name()));
  }

  /** The layout used when ELK fails draws every node and edge too. */
  @Test
  void theStackedFallbackLayoutIsADrawing() {
    SearchSpace cell = SearchSpaces.create("cell", null);
    Architecture arch = cell.sample(new SplittableRandom(2));
    ArchitectureGraph g = ArchitectureDiagram.graph(cell, arch);
    SvgCheck check = new SvgCheck(Svg.write(g, Layout.stacked(g), "stacked")).wellFormedDrawing();
    assertThat(check.nodes).hasSize(g.nodes().size());
    assertThat(check.edges).hasSize(g.edges().size());
  }

  @Test
  void labelsAreEscaped() {
    DiagramCases.PlainSpace space = new DiagramCases.PlainSpace();
    Architecture arch = new Architecture("plain", new int[] {1, 2, 0});
    String svg = ArchitectureDiagram.svg(space, arch);
    assertThat(svg).doesNotContain("<script").contains("activation = &lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("a &amp; b = &quot;quoted&quot;");
    SvgCheck check = new SvgCheck(svg).wellFormedDrawing();
    assertThat(check.nodes).hasSize(4);
    assertThat(check.doc.getDocumentElement().getTextContent()).contains("activation = <script>alert(1)</script>");
  }

  @Test
  void aGraphWithHostileIdsAndLabelsIsWellFormed() {
    ArchitectureGraph g = ArchitectureGraph.builder()
        .group("\"><script>", "<b>&amp;</b>")
        .node("a\"'<>&", "line 1\n<script>alert('x')</script>\n\u0000\u0007 bell", ArchitectureGraph.NodeKind.OP)
        .in(null)
        .node("b", "]]> <!-- -->", ArchitectureGraph.NodeKind.OUTPUT)
        .edge("a\"'<>&", "b", "<&>", ArchitectureGraph.EdgeKind.SKIP)
        .build();
    String svg = ArchitectureDiagram.svg(g, "<title>&");
    SvgCheck check = new SvgCheck(svg).wellFormedDrawing();
    assertThat(check.nodes).hasSize(2);
    assertThat(check.edges).hasSize(1);
    assertThat(check.groups).hasSize(1);
    assertThat(svg).doesNotContain("<script").doesNotContain("\u0000");
  }

  @Test
  void anArchitectureTheSpaceCannotDrawFallsBackToItsDecisions() {
    SearchSpace nb = SearchSpaces.create("nasbench201", null);
    Architecture wrong = new Architecture("nasbench201", new int[] {9, 9});
    ArchitectureGraph g = ArchitectureDiagram.graph(nb, wrong);
    assertThat(g.nodes()).allMatch(n -> n.kind() == ArchitectureGraph.NodeKind.DECISION || n.id().equals("space"));
    assertThat(g.nodes()).hasSize(3);
    SvgCheck check = new SvgCheck(ArchitectureDiagram.svg(nb, wrong)).wellFormedDrawing();
    assertThat(check.nodes).hasSize(3);
    // an architecture of another space entirely
    Architecture other = new CellSpace().sample(new SplittableRandom(3));
    new SvgCheck(ArchitectureDiagram.svg(nb, other)).wellFormedDrawing();
  }

  /** The package depends on {@code space} only (and ELK): reports, dashboards and the CLI call it, not the other way. */
  @Test
  void dependsOnSpaceOnly() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/java/dev/jnas/diagram");
    try (var files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : files.toList()) {
        for (String line : java.nio.file.Files.readAllLines(f)) {
          if (line.startsWith("import dev.jnas.")) {
            assertThat(line).as(f.toString()).startsWith("import dev.jnas.space.");
          }
        }
      }
    }
  }

  @Test
  void cellsAreGrouped() {
    SearchSpace cell = SearchSpaces.create("cell", null);
    SvgCheck check = new SvgCheck(ArchitectureDiagram.svg(cell, cell.sample(new SplittableRandom(5)))).wellFormedDrawing();
    assertThat(check.groups).hasSize(2);
    assertThat(check.nodes).anyMatch(b -> b.id().equals("reduce.out"));
  }
}
