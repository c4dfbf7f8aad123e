package dev.jnas.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Params;
import java.util.function.Function;

/**
 * The built-in model builders (registered in {@code
 * META-INF/services/dev.jnas.model.ModelBuilderProvider}): each built-in space's own network, and
 * the {@code layers} template for any space.
 */
public final class BuilderProviders {
  private BuilderProviders() {}

  /** A space's own network: built for that space class only, without params. */
  private abstract static class Own<S extends SearchSpace> implements ModelBuilderProvider {
    private final String name;
    private final Class<S> space;
    private final Function<S, ModelBuilder> builder;

    Own(String name, Class<S> space, Function<S, ModelBuilder> builder) {
      this.name = name;
      this.space = space;
      this.builder = builder;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "the network of search space " + name + " (sized by the space's params)";
    }

    @Override
    public boolean builds(SearchSpace s) {
      return space.isInstance(s);
    }

    @Override
    public ModelBuilder create(SearchSpace s, JsonNode params) {
      if (!builds(s)) {
        throw new BadInputException("model builder " + name + " builds only search space " + name + ", not '" + s.name() + "'");
      }
      Params.bind("model builder " + name, params, NoParams.class);
      return builder.apply(space.cast(s));
    }
  }

  /** The space's params size these networks; the builders take none of their own. */
  record NoParams() {}

  /** {@code nasbench201}: NAS-Bench-201's skeleton around the cell. */
  public static final class NasBench201 extends Own<NasBench201Space> {
    public NasBench201() {
      super(NasBench201Space.NAME, NasBench201Space.class, NasBench201Builder::new);
    }
  }

  /** {@code nasrl-macro}: the NAS-RL CNN. */
  public static final class NasRlMacro extends Own<NasRlMacroSpace> {
    public NasRlMacro() {
      super(NasRlMacroSpace.NAME, NasRlMacroSpace.class, NasRlMacroBuilder::new);
    }
  }

  /** {@code cell}: stacks of NASNet-style cells. */
  public static final class Cell extends Own<CellSpace> {
    public Cell() {
      super(CellSpace.NAME, CellSpace.class, CellBuilder::new);
    }
  }

  /** {@code resnet50-scope}: ResNet-50 with the architecture's search blocks. */
  public static final class ResNetScope extends Own<ResNetScopeSpace> {
    public ResNetScope() {
      super(ResNetScopeSpace.NAME, ResNetScopeSpace.class, ResNetScopeBuilder::new);
    }
  }

  /** {@code graph}: the layer graph a morphism search grew. */
  public static final class Graph extends Own<dev.jnas.space.GraphSpace> {
    public Graph() {
      super(dev.jnas.space.GraphSpace.NAME, dev.jnas.space.GraphSpace.class, GraphBuilder::new);
    }
  }

  /** {@code layers}: a stack of layers whose fields may reference the space's decisions. */
  public static final class Layers implements ModelBuilderProvider {
    @Override
    public String name() {
      return LayersBuilder.NAME;
    }

    @Override
    public String description() {
      return "a layers template: conv, pool, dense, dropout, flatten and activation layers whose fields may"
          + " reference decisions ($name); jnas adds the output layer";
    }

    @Override
    public boolean builds(SearchSpace space) {
      return false; // needs a template
    }

    @Override
    public ModelBuilder create(SearchSpace space, JsonNode params) {
      return new LayersBuilder(LayersTemplate.parse(params, space));
    }
  }
}
