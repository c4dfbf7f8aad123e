package dev.jnas.space;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A set of architectures described by named decisions and constraints. Engine-free: spaces know
 * nothing of DJL; {@code dev.jnas.model} turns an architecture into a network.
 */
public interface SearchSpace {

  /** The space's registered name, e.g. {@code nasbench201}. */
  String name();

  List<Decision> decisions();

  /** Why {@code arch} breaks a constraint of this space, or empty when it is valid. */
  Optional<String> violation(Architecture arch);

  default boolean isValid(Architecture arch) {
    return violation(arch).isEmpty();
  }

  /** A uniformly random valid architecture. */
  Architecture sample(RandomGenerator rng);

  /** A valid architecture that differs from {@code arch} in exactly one decision. */
  Architecture mutate(Architecture arch, RandomGenerator rng);

  /** Every valid architecture that differs from {@code arch} in exactly one decision. */
  List<Architecture> neighbours(Architecture arch);

  /** Number of valid architectures (exact where constraints allow, else of the unconstrained grid). */
  BigInteger size();

  /** True when {@link #enumerate()} can list the whole space. */
  boolean isEnumerable();

  /** All valid architectures in a fixed order; throws when the space is not enumerable. */
  Stream<Architecture> enumerate();

  /** The canonical string of {@code arch}; {@code decode(encode(a)).equals(a)}. */
  String encode(Architecture arch);

  /**
   * Parses a canonical string.
   *
   * @throws dev.jnas.util.BadInputException naming the part of the string that is wrong
   */
  Architecture decode(String text);

  /** JSON form: {"space": name, "string": canonical, "decisions": {name: label, ...}}. */
  ObjectNode toJson(Architecture arch);

  /** Reads {@link #toJson} output (the "string" field wins when present). */
  Architecture fromJson(ObjectNode json);
}
