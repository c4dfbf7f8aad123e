package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The space of a benchmark table keyed by fixed-length strings of one-character choices, e.g.
 * {@code 02012100}: position i is a categorical decision {@code pos_i} over the characters seen
 * (or declared) at that position, and an architecture's canonical string is its key.
 *
 * <p>The space is the full grid of those positions: it cannot say that a table lacks some keys
 * (sparsity), so a key that is not in the table is a valid architecture that the tabular
 * evaluator reports as INVALID.
 *
 * <p>Config form: {@code {"positions": ["012", "0123", ...]}}, one string of option characters
 * per position.
 */
public final class TableSpace extends AbstractSearchSpace {
  public static final String NAME = "table";

  private final List<String> positions;

  /**
   * @param positions per position, the option characters in index order (no repeats)
   */
  public TableSpace(List<String> positions) {
    super(NAME, decisions(positions));
    this.positions = List.copyOf(positions);
  }

  private static List<Decision> decisions(List<String> positions) {
    if (positions.isEmpty()) {
      throw new BadInputException("table space needs at least one position");
    }
    List<Decision> d = new ArrayList<>();
    for (int i = 0; i < positions.size(); i++) {
      String p = positions.get(i);
      if (p == null || p.isEmpty()) {
        throw new BadInputException("table space position " + i + " has no options");
      }
      List<String> options = new ArrayList<>();
      for (int j = 0; j < p.length(); j++) {
        String c = String.valueOf(p.charAt(j));
        if (options.contains(c)) {
          throw new BadInputException("table space position " + i + " lists option '" + c + "' twice in '" + p + "'");
        }
        options.add(c);
      }
      d.add(new Decision.Categorical("pos_" + i, options));
    }
    return d;
  }

  /** The space of {@code keys}: position i offers the characters seen there, sorted. */
  public static TableSpace inferFrom(Collection<String> keys) {
    Iterator<String> it = keys.iterator();
    if (!it.hasNext()) {
      throw new BadInputException("cannot infer a table space from no keys");
    }
    String first = it.next();
    List<TreeSet<Character>> seen = new ArrayList<>();
    for (int i = 0; i < first.length(); i++) {
      seen.add(new TreeSet<>());
    }
    for (String key : keys) {
      if (key.length() != first.length()) {
        throw new BadInputException(
            "key '" + key + "' has length " + key.length() + ", expected " + first.length() + " like '" + first + "'");
      }
      for (int i = 0; i < key.length(); i++) {
        seen.get(i).add(key.charAt(i));
      }
    }
    List<String> positions = new ArrayList<>();
    for (TreeSet<Character> s : seen) {
      StringBuilder sb = new StringBuilder();
      s.forEach(sb::append);
      positions.add(sb.toString());
    }
    return new TableSpace(positions);
  }

  /** Per position, the option characters in index order. */
  public List<String> positions() {
    return positions;
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder(positions.size());
    for (int i = 0; i < positions.size(); i++) {
      sb.append(positions.get(i).charAt(arch.get(i)));
    }
    return sb.toString();
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isEmpty()) {
      throw new BadInputException("empty key for table space");
    }
    if (text.length() != positions.size()) {
      throw new BadInputException(
          "key '" + text + "' has length " + text.length() + ", the table space has " + positions.size() + " positions");
    }
    int[] c = new int[positions.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = positions.get(i).indexOf(text.charAt(i));
      if (c[i] < 0) {
        throw new BadInputException(
            "key '" + text + "': character '" + text.charAt(i) + "' at position " + i + " is not an option (valid: "
                + positions.get(i) + ")");
      }
    }
    return new Architecture(NAME, c);
  }
}
