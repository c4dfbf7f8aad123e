package dev.jnas.model;

import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;

/** The network builder for a trainable search space. */
public final class ModelBuilders {
  private ModelBuilders() {}

  /**
   * @throws BadInputException when the space has no network to train (e.g. a pure benchmark or
   *     toy space)
   */
  public static ModelBuilder forSpace(SearchSpace space) {
    if (space instanceof NasBench201Space s) {
      return new NasBench201Builder(s);
    }
    if (space instanceof NasRlMacroSpace s) {
      return new NasRlMacroBuilder(s);
    }
    if (space instanceof CellSpace s) {
      return new CellBuilder(s);
    }
    throw new BadInputException(
        "search space '" + space.name() + "' has no network builder, so it cannot be trained (trainable: "
            + NasBench201Space.NAME + ", " + NasRlMacroSpace.NAME + ", " + CellSpace.NAME + ")");
  }
}
