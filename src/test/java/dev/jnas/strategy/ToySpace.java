package dev.jnas.strategy;

import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import java.util.List;
import java.util.Optional;

/** 3 x 4 x 2 = 24 grid points minus the 2 with op=z and width=4: 22 architectures. */
final class ToySpace extends AbstractSearchSpace {
  ToySpace() {
    super(
        "toy",
        List.of(
            new Decision.Categorical("op", List.of("x", "y", "z")),
            new Decision.IntRange("width", 1, 4),
            new Decision.Connection("skip", 0, 2)));
  }

  @Override
  public Optional<String> violation(Architecture arch) {
    Optional<String> v = structuralViolation(arch);
    if (v.isEmpty() && arch.get(0) == 2 && arch.get(1) == 3) {
      return Optional.of("op z cannot have width 4");
    }
    return v;
  }
}
