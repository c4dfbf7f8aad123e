package dev.jnas.lm;

import dev.jnas.evaluate.TrialListener;
import dev.jnas.space.Architecture;
import java.util.List;

/**
 * A found cell against the LSTM of equal parameter count: both language models trained from
 * scratch with the same settings, seed and epochs on the same corpus, one after the other.
 */
public final class LstmBaseline {
  private LstmBaseline() {}

  /** One trained model's figures. */
  public record Row(String model, int hidden, long params, double validPerplexity, double testPerplexity, double seconds) {}

  /**
   * @param arch the cell (of the evaluator's space)
   * @return the cell's row, then the LSTM's
   */
  public static List<Row> compare(LanguageModelEvaluator evaluator, Architecture arch, long seed, int epochs, TrialListener listener) {
    LmSettings s = evaluator.settings();
    int vocab = evaluator.corpus().vocabulary().size();
    var space = evaluator.space();
    LanguageModelNetwork cellNet = RecurrentCells.network(space, arch, vocab, s);
    LanguageModelEvaluator.FinalRun cell = evaluator.trainNetwork(cellNet, seed, epochs, null, "cell", listener,
        RecurrentCells.flopsPerToken(space, arch, vocab, s.embedding(), s.hidden()), (t, r) -> {});
    long target = cell.params();
    int h = RecurrentCells.lstmOfEqualSize(target, vocab, s.tieWeights());
    LmSettings ls = s.withSizes(h, h);
    LanguageModelEvaluator lstmEvaluator = evaluator.withSettings(ls);
    LanguageModelNetwork lstmNet = new LanguageModelNetwork(new LstmCell(h, h), vocab, ls.tieWeights(), ls.dropout());
    LanguageModelEvaluator.FinalRun lstm = lstmEvaluator.trainNetwork(lstmNet, seed, epochs, null, "lstm", listener,
        LstmCell.parameterCount(h, h) + (long) vocab * h, (t, r) -> {});
    return List.of(
        new Row(space.name() + " " + space.encode(arch), s.hidden(), cell.params(), cell.validPerplexity(), cell.testPerplexity(), cell.seconds()),
        new Row("lstm", h, lstm.params(), lstm.validPerplexity(), lstm.testPerplexity(), lstm.seconds()));
  }
}
