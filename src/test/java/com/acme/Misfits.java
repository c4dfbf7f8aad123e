package com.acme;

import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Decision;
import java.util.List;

/** Classes a config may wrongly name: each must be rejected with a message naming the problem. */
public final class Misfits {
  private Misfits() {}

  /** A space with only a no-argument constructor. */
  public static class FixedSpace extends AbstractSearchSpace {
    public FixedSpace() {
      super("acme-fixed", List.of(new Decision.IntRange("x", 0, 2)));
    }
  }

  /** Its constructor fails. */
  public static class ThrowingSpace extends AbstractSearchSpace {
    public ThrowingSpace() {
      super("acme-throwing", List.of());
      throw new IllegalStateException("disk on fire");
    }
  }

  /** No constructor jnas can call. */
  public static class TwoArgSpace extends AbstractSearchSpace {
    public TwoArgSpace(int a, int b) {
      super("acme-two", List.of(new Decision.IntRange("x", a, b)));
    }
  }

  /** Not a space at all. */
  public static class NotASpace {}

  /** Abstract. */
  public abstract static class AbstractSpace extends AbstractSearchSpace {
    protected AbstractSpace() {
      super("acme-abstract", List.of());
    }
  }

  /** Not public. */
  static class HiddenSpace extends FixedSpace {}

  /** A builder whose constructor fails. */
  public static class ThrowingBuilder extends PairModelBuilder {
    public ThrowingBuilder(PairSpace space) {
      super(space, null);
      throw new UnsupportedOperationException("no GPU here");
    }
  }
}
