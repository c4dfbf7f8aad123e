package dev.jnas.strategy.rl;

import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** A fixed ask/tell run whose asks were recorded before replicas existed (reinforce-k1-asks.txt). */
final class ReplicaGolden {
  private ReplicaGolden() {}

  /** Later choices score higher, with a little structure from the encoding. */
  static double reward(SearchSpace space, Architecture a) {
    double r = 0;
    for (int i = 0; i < a.size(); i++) {
      r += a.get(i);
    }
    return r + (space.encode(a).hashCode() & 0xff) / 256.0;
  }

  /** "space seed index encoding" for each of {@code asks} architectures asked {@code per} at a time. */
  static List<String> run(SearchSpace space, ReinforceConfig config, long seed, int per, int asks) {
    List<String> out = new ArrayList<>();
    try (ReinforceController rc = new ReinforceController(space, config, seed)) {
      while (out.size() < asks) {
        for (Architecture a : rc.ask(per)) {
          out.add(space.name() + " " + seed + " " + out.size() + " " + space.encode(a));
          rc.tell(a, OptionalDouble.of(reward(space, a)));
        }
      }
    }
    return out;
  }
}
