package dev.jnas.data.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Immutable token &lt;-&gt; id map built from a training file. Ids run 0..size-1. It always
 * contains {@link #UNK}, the id any token outside it maps to, and {@link #EOS}, the end of a line.
 */
public final class Vocabulary {
  public static final String UNK = "<unk>";
  public static final String EOS = "<eos>";

  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final int unk;

  private Vocabulary(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    this.ids = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
    this.unk = ids.get(UNK);
  }

  /**
   * The distinct tokens of {@code tokens} in order of first appearance, after {@link #UNK} and
   * {@link #EOS} where the list lacks them: with neither in the list, UNK gets id 0 and EOS id 1;
   * a list that holds them keeps them where they stand.
   *
   * @throws IllegalArgumentException on a null or empty token
   */
  public static Vocabulary of(List<String> tokens) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String t : tokens) {
      if (t == null || t.isEmpty()) {
        throw new IllegalArgumentException("a vocabulary token is " + (t == null ? "null" : "empty"));
      }
      distinct.add(t);
    }
    List<String> all = new ArrayList<>(distinct.size() + 2);
    if (!distinct.contains(UNK)) {
      all.add(UNK);
    }
    if (!distinct.contains(EOS)) {
      all.add(EOS);
    }
    all.addAll(distinct);
    return new Vocabulary(all);
  }

  public int size() {
    return tokens.size();
  }

  /** The token's id; the id of {@link #UNK} when the vocabulary lacks it. */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? unk : id;
  }

  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /**
   * The token with this id.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= id < size()}
   */
  public String token(int id) {
    return tokens.get(id);
  }

  /** All tokens, by id (unmodifiable). */
  public List<String> tokens() {
    return tokens;
  }

  @Override
  public String toString() {
    return "Vocabulary[" + tokens.size() + " tokens]";
  }
}
