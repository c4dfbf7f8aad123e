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
 *
 * <p>A decision may be conditional: active only when other decisions take given values ({@link
 * #isActive}). An inactive decision holds index 0 in every valid architecture ({@link
 * #canonical}), so two architectures that configure the same network are equal, and it is not
 * part of the canonical string. Spaces without conditional decisions keep the defaults.
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

  /**
   * Whether decision {@code decision} takes part in {@code arch}: false for a conditional decision
   * whose condition {@code arch} does not meet (default: every decision is active).
   */
  default boolean isActive(Architecture arch, int decision) {
    return true;
  }

  /**
   * {@code arch} with every inactive decision at index 0: the one architecture of its
   * configuration (default: {@code arch} itself).
   */
  default Architecture canonical(Architecture arch) {
    return arch;
  }

  /**
   * A random valid architecture: every active decision uniform over its options (uniform over the
   * space when no decision is conditional).
   */
  Architecture sample(RandomGenerator rng);

  /**
   * A valid architecture that differs from {@code arch} in exactly one active decision; decisions
   * that this change activates get random values, those it deactivates go back to index 0.
   */
  Architecture mutate(Architecture arch, RandomGenerator rng);

  /**
   * Every valid architecture that differs from {@code arch} in exactly one active decision (with
   * every combination of values for the decisions that change activates).
   */
  List<Architecture> neighbours(Architecture arch);

  /** Number of valid architectures (exact where constraints allow, else of the unconstrained grid). */
  BigInteger size();

  /** True when {@link #enumerate()} can list the whole space. */
  boolean isEnumerable();

  /** All valid architectures, each once, in a fixed order; throws when the space is not enumerable. */
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
