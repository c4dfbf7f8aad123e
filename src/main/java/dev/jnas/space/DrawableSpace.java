package dev.jnas.space;

/**
 * A space whose architectures have a structure worth drawing: a cell DAG, a layered network, a
 * recurrent cell's tree. {@code dev.jnas.diagram} lays out and draws the graph; a space that does
 * not implement this is drawn from {@link ArchitectureGraph#ofDecisions} (its decisions in a
 * chain), and so is an architecture whose graph fails.
 */
public interface DrawableSpace extends SearchSpace {

  /**
   * The graph of {@code arch}, a valid architecture of this space: what a person reads as the
   * network or cell that it configures.
   */
  ArchitectureGraph architectureGraph(Architecture arch);
}
