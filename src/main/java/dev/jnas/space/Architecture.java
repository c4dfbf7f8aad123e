package dev.jnas.space;

import java.util.Arrays;

/**
 * An immutable point of a search space: one index per decision of the space named {@code space}.
 * Equality and hash are by content, so architectures can key caches and de-duplicate trials.
 */
public final class Architecture {
  private final String space;
  private final int[] choices;
  private final int hash;

  public Architecture(String space, int[] choices) {
    this.space = space;
    this.choices = choices.clone();
    this.hash = 31 * space.hashCode() + Arrays.hashCode(this.choices);
  }

  public String space() {
    return space;
  }

  public int size() {
    return choices.length;
  }

  public int get(int decision) {
    return choices[decision];
  }

  public int[] choices() {
    return choices.clone();
  }

  /** A copy with decision {@code decision} set to {@code value}. */
  public Architecture with(int decision, int value) {
    int[] c = choices.clone();
    c[decision] = value;
    return new Architecture(space, c);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Architecture a
        && a.hash == hash
        && a.space.equals(space)
        && Arrays.equals(a.choices, choices);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return space + Arrays.toString(choices);
  }
}
