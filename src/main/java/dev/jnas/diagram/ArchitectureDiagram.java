package dev.jnas.diagram;

import dev.jnas.space.Architecture;
import dev.jnas.space.ArchitectureGraph;
import dev.jnas.space.DrawableSpace;
import dev.jnas.space.SearchSpace;

/**
 * Diagrams of architectures as SVG: cells as DAGs, macro networks as layered graphs, laid out by
 * Eclipse ELK's layered algorithm. A {@link DrawableSpace} says what an architecture's graph is;
 * any other space, and any architecture whose graph cannot be built, is drawn as a chain of its
 * decisions ({@link ArchitectureGraph#ofDecisions}), so a diagram is always produced.
 *
 * <p>The SVG is one self-contained document (no scripts, no external references) with its
 * width, height and viewBox set. Every node, edge and group is a {@code <g>} with CSS classes:
 * {@code node} and its kind ({@code input}, {@code output}, {@code state}, {@code op}, {@code
 * combine}, {@code fixed}, {@code decision}), {@code edge} and its kind ({@code data}, {@code
 * skip}, {@code state}, {@code sequence}), {@code group}; the root has class {@code
 * jnas-diagram}, to which an embedded style sheet's defaults are scoped. Nodes carry their id in
 * {@code data-id}, edges their ends in {@code data-from} and {@code data-to}. The same graph
 * always gives the same bytes.
 */
public final class ArchitectureDiagram {
  private ArchitectureDiagram() {}

  /** The diagram of {@code arch}, an architecture of {@code space}, titled with the space and its string. */
  public static String svg(SearchSpace space, Architecture arch) {
    return svg(graph(space, arch), title(space, arch));
  }

  /** The diagram of a graph, with an optional {@code <title>} (null: none). */
  public static String svg(ArchitectureGraph graph, String title) {
    Layout layout;
    try {
      layout = Layout.elk(graph);
    } catch (RuntimeException | LinkageError e) {
      layout = Layout.stacked(graph);
    }
    return Svg.write(graph, layout, title);
  }

  /**
   * The graph a diagram of {@code arch} draws: the space's own ({@link DrawableSpace}) or, when the
   * space has none or it fails on {@code arch}, the chain of decisions. Never throws.
   */
  public static ArchitectureGraph graph(SearchSpace space, Architecture arch) {
    return ArchitectureGraph.of(space, arch);
  }

  private static String title(SearchSpace space, Architecture arch) {
    try {
      return space.name() + ": " + space.encode(arch);
    } catch (RuntimeException e) {
      return String.valueOf(arch);
    }
  }
}
