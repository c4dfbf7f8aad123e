package dev.jnas.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;

/**
 * What a worker answers for a trial, as JSON (plain text crosses Ignite's marshaller safely):
 * {@code done} with the result, {@code refused} (the coordinator sends the trial elsewhere) or
 * {@code cannot_run} (the worker cannot build the experiment's evaluator, e.g. it cannot read the
 * data: the trial fails with that message and the worker gets no more trials of the experiment).
 */
record Outcome(String status, String worker, TrialResult result, String reason) {
  static final String DONE = "done";
  static final String REFUSED = "refused";
  static final String CANNOT_RUN = "cannot_run";

  static String done(String worker, TrialResult result) {
    try {
      // the result as the store writes it (its NaNs survive), inside the answer
      return Json.MAPPER.createObjectNode().put("status", DONE).put("worker", worker)
          .put("result", Json.MAPPER.writeValueAsString(result)).toString();
    } catch (JsonProcessingException e) {
      throw new NasException("cannot serialise a trial result", e);
    }
  }

  static String refused(String reason) {
    return Json.MAPPER.createObjectNode().put("status", REFUSED).put("reason", reason).toString();
  }

  static String cannotRun(String worker, String reason) {
    return Json.MAPPER.createObjectNode().put("status", CANNOT_RUN).put("worker", worker).put("reason", reason).toString();
  }

  static Outcome parse(String json) {
    try {
      JsonNode o = Json.MAPPER.readTree(json);
      TrialResult r = o.hasNonNull("result") ? Json.MAPPER.readValue(o.get("result").asText(), TrialResult.class) : null;
      return new Outcome(o.path("status").asText(), o.path("worker").asText(null), r, o.path("reason").asText(null));
    } catch (JsonProcessingException e) {
      throw new NasException("a worker's answer is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
