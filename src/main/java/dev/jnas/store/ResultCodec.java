package dev.jnas.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;

/** TrialResult <-> JSON text for the store (NaN survives as the string "NaN"). */
final class ResultCodec {
  private ResultCodec() {}

  static String write(TrialResult r) {
    try {
      return r == null ? null : Json.MAPPER.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new NasException("cannot serialise trial result", e);
    }
  }

  static TrialResult read(String json) {
    try {
      return json == null ? null : Json.MAPPER.readValue(json, TrialResult.class);
    } catch (JsonProcessingException e) {
      throw new NasException("stored trial result is corrupt: " + e.getOriginalMessage(), e);
    }
  }
}
