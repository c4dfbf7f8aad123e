package dev.jnas.lm;

import dev.jnas.space.Architecture;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.space.NasRlRnnSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;

/** Builds the recurrent cell of an architecture of a recurrent-cell space. */
public final class RecurrentCells {
  private RecurrentCells() {}

  /** Whether {@code space}'s architectures are recurrent cells (a language-model task can train them). */
  public static boolean isRecurrent(SearchSpace space) {
    return space instanceof EnasRnnSpace || space instanceof NasRlRnnSpace;
  }

  /** The cell of {@code arch}, uninitialised. */
  public static RecurrentCell create(SearchSpace space, Architecture arch, int inputSize, int hiddenSize) {
    if (space instanceof EnasRnnSpace e) {
      return new EnasRnnCell(e, inputSize, hiddenSize, arch);
    }
    if (space instanceof NasRlRnnSpace n) {
      return new NasRlRnnCell(n, inputSize, hiddenSize, arch);
    }
    throw new BadInputException(
        "space '" + space.name() + "' holds no recurrent cells: a language-model task searches space enas-rnn or nasrl-rnn");
  }

  /** The language model of {@code arch} for a vocabulary of {@code vocabulary} tokens. */
  public static LanguageModelNetwork network(SearchSpace space, Architecture arch, int vocabulary, LmSettings s) {
    return new LanguageModelNetwork(create(space, arch, s.embedding(), s.hidden()), vocabulary, s.tieWeights(), s.dropout());
  }

  /** Trainable parameters of a language model around a cell that has {@code cellParameters} of its own. */
  public static long modelParameters(long cellParameters, int vocabulary, int embedding, int hidden, boolean tied) {
    return cellParameters + (long) vocabulary * embedding + (tied ? 0 : (long) vocabulary * hidden) + vocabulary;
  }

  /** The trainable parameters of {@code arch}'s cell alone. */
  public static long cellParameters(SearchSpace space, Architecture arch, int inputSize, int hiddenSize) {
    if (space instanceof EnasRnnSpace e) {
      return 2L * hiddenSize * (inputSize + hiddenSize) + (e.nodes() - 1) * 2L * hiddenSize * hiddenSize;
    }
    if (space instanceof NasRlRnnSpace n) {
      return (long) n.base() * hiddenSize * (inputSize + hiddenSize + 1);
    }
    throw new BadInputException("space '" + space.name() + "' holds no recurrent cells");
  }

  /**
   * The LSTM hidden size (embedding equal to it) whose language model has the parameter count
   * nearest to {@code target}: the baseline of equal size.
   */
  public static int lstmOfEqualSize(long target, int vocabulary, boolean tied) {
    int best = 1;
    long bestGap = Long.MAX_VALUE;
    for (int h = 1; h <= 8192; h++) {
      long n = modelParameters(LstmCell.parameterCount(h, h), vocabulary, h, h, tied);
      long gap = Math.abs(n - target);
      if (gap < bestGap) {
        best = h;
        bestGap = gap;
      }
      if (n > target) {
        break;
      }
    }
    return best;
  }

  /** Multiply-adds per token of {@code arch}'s language model (cell products and softmax layer). */
  public static long flopsPerToken(SearchSpace space, Architecture arch, int vocabulary, int embedding, int hidden) {
    return cellParameters(space, arch, embedding, hidden) + (long) vocabulary * hidden;
  }
}
