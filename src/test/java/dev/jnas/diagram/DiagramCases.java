package dev.jnas.diagram;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.Decision;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.NasRlRnnSpace;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import java.util.List;
import java.util.function.ToIntBiFunction;

/**
 * One space of every kind, with the number of nodes and edges its diagram must have, counted from
 * the architecture with the space's own accessors (not from the graph the space builds).
 */
final class DiagramCases {
  private DiagramCases() {}

  /**
   * @param nodes expected node count of an architecture's diagram
   * @param edges expected edge count
   */
  record Case(String name, SearchSpace space, ToIntBiFunction<SearchSpace, Architecture> nodes,
      ToIntBiFunction<SearchSpace, Architecture> edges) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A space that draws nothing of its own: its diagram is the chain of its decisions. */
  static final class PlainSpace extends AbstractSearchSpace {
    PlainSpace() {
      super("plain", List.of(
          new Decision.Categorical("activation", List.of("relu", "<script>alert(1)</script>")),
          new Decision.IntRange("depth", 1, 4),
          new Decision.Categorical("a & b", List.of("\"quoted\"", "it's"))));
    }
  }

  static JsonNode params(String yaml) {
    return DeclarativeSpaces.yaml(yaml);
  }

  static List<Case> all() {
    return List.of(
        new Case("nasbench201", SearchSpaces.create("nasbench201", null), (s, a) -> 4, DiagramCases::nb201Edges),
        new Case("cell-enas", SearchSpaces.create("cell", null), DiagramCases::cellNodes, DiagramCases::cellEdges),
        new Case("cell-pnas", SearchSpaces.create("cell", params("preset: pnas")), DiagramCases::cellNodes,
            DiagramCases::cellEdges),
        new Case("cell-pnas-progressive", SearchSpaces.create("cell", params("{preset: pnas, progressive: true}")),
            DiagramCases::cellNodes, DiagramCases::cellEdges),
        new Case("nasrl-macro", SearchSpaces.create("nasrl-macro", null), DiagramCases::macroNodes,
            DiagramCases::macroEdges),
        new Case("nasrl-macro-strides", SearchSpaces.create("nasrl-macro", params("{layers: 4, strides: true}")),
            DiagramCases::macroNodes, DiagramCases::macroEdges),
        new Case("nasrl-macro-enas-ops", SearchSpaces.create("nasrl-macro", params("{layers: 8, ops: [conv3x3, conv5x5, sep3x3, sep5x5, max3x3, avg3x3]}")),
            DiagramCases::macroNodes, DiagramCases::macroEdges),
        new Case("resnet50-scope", SearchSpaces.create("resnet50-scope", params("scope: m")), DiagramCases::resnetNodes,
            DiagramCases::resnetEdges),
        new Case("graph", SearchSpaces.create("graph", params("sample_changes: 6")), DiagramCases::graphNodes,
            DiagramCases::graphEdges),
        new Case("enas-rnn", SearchSpaces.create("enas-rnn", null), DiagramCases::enasRnnNodes,
            DiagramCases::enasRnnEdges),
        new Case("nasrl-rnn", SearchSpaces.create("nasrl-rnn", params("base: 4")),
            (s, a) -> 2 * ((NasRlRnnSpace) s).base() + 5, (s, a) -> 4 * ((NasRlRnnSpace) s).base() + 2),
        new Case("declarative", DeclarativeSpaces.conditional(), DiagramCases::chainNodes, DiagramCases::chainEdges),
        new Case("table", SearchSpaces.create("table", params("positions: ['012', '0123', '01', '012']")),
            DiagramCases::chainNodes, DiagramCases::chainEdges),
        new Case("hyperparameters", SearchSpaces.create("hyperparameters", params("""
            parameters:
              lr: {log_uniform: [0.001, 0.3]}
              batch_size: [64, 128]
              optimizer: {choice: {sgd: {momentum: {uniform: [0.8, 0.99]}}, adam: {}}}
            """)), DiagramCases::chainNodes, DiagramCases::chainEdges),
        new Case("hyperparameters-fixed", SearchSpaces.create("hyperparameters", params("""
            architecture: {space: nasbench201, string: "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|"}
            parameters: {lr: [0.1, 0.05], epochs: [1, 2]}
            """)), (s, a) -> chainNodes(s, a) + 4, (s, a) -> chainEdges(s, a) + 4),
        new Case("plain", new PlainSpace(), DiagramCases::chainNodes, DiagramCases::chainEdges));
  }

  static int nb201Edges(SearchSpace s, Architecture a) {
    int n = 0;
    for (int i = 0; i < a.size(); i++) {
      n += NasBench201Space.OPS.get(a.get(i)).equals("none") ? 0 : 1;
    }
    return n;
  }

  private static List<List<CellSpace.Block>> cells(SearchSpace s, Architecture a) {
    CellSpace c = (CellSpace) s;
    return c.sharedCell() ? List.of(c.normalCell(a)) : List.of(c.normalCell(a), c.reductionCell(a));
  }

  static int cellNodes(SearchSpace s, Architecture a) {
    return cells(s, a).stream().mapToInt(bs -> 2 + 3 * bs.size() + 1).sum();
  }

  static int cellEdges(SearchSpace s, Architecture a) {
    int n = 0;
    for (List<CellSpace.Block> bs : cells(s, a)) {
      boolean[] read = new boolean[bs.size() + 2];
      for (CellSpace.Block b : bs) {
        read[b.input1()] = true;
        read[b.input2()] = true;
      }
      n += 4 * bs.size();
      for (int b = 0; b < bs.size(); b++) {
        n += read[b + 2] ? 0 : 1;
      }
    }
    return n;
  }

  static int macroNodes(SearchSpace s, Architecture a) {
    NasRlMacroSpace m = (NasRlMacroSpace) s;
    return m.layers() + (m.searchesOps() ? 3 : 2);
  }

  static int macroEdges(SearchSpace s, Architecture a) {
    NasRlMacroSpace m = (NasRlMacroSpace) s;
    if (m.searchesOps()) {
      return 2 + m.layers() + m.opLayers(a).stream().mapToInt(l -> l.inputs().size()).sum();
    }
    List<NasRlMacroSpace.Layer> ls = m.layers(a);
    boolean[] read = new boolean[ls.size()];
    int n = 0;
    for (NasRlMacroSpace.Layer l : ls) {
      n += Math.max(1, l.inputs().size());
      l.inputs().forEach(j -> read[j] = true);
    }
    for (int i = 0; i < ls.size(); i++) {
      n += i == ls.size() - 1 || !read[i] ? 1 : 0;
    }
    return n;
  }

  static int resnetNodes(SearchSpace s, Architecture a) {
    return 3 + ((ResNetScopeSpace) s).bottlenecks(a).size();
  }

  static int resnetEdges(SearchSpace s, Architecture a) {
    return 2 + ((ResNetScopeSpace) s).bottlenecks(a).size();
  }

  static int graphNodes(SearchSpace s, Architecture a) {
    return 2 + ((GraphSpace) s).graph(a).layers().size();
  }

  static int graphEdges(SearchSpace s, Architecture a) {
    return 1 + ((GraphSpace) s).graph(a).layers().stream().mapToInt(l -> l.inputs().size()).sum();
  }

  static int enasRnnNodes(SearchSpace s, Architecture a) {
    return ((EnasRnnSpace) s).nodes() + 4;
  }

  static int enasRnnEdges(SearchSpace s, Architecture a) {
    EnasRnnSpace e = (EnasRnnSpace) s;
    return 2 + (e.nodes() - 1) + e.outputs(a).size() + 1;
  }

  /** The space node and one node per active decision. */
  static int chainNodes(SearchSpace s, Architecture a) {
    return 1 + chainEdges(s, a);
  }

  static int chainEdges(SearchSpace s, Architecture a) {
    int n = 0;
    for (int i = 0; i < a.size(); i++) {
      n += s.isActive(a, i) ? 1 : 0;
    }
    return n;
  }

  static HyperparameterSpace hyper(SearchSpace s) {
    return (HyperparameterSpace) s;
  }
}
