package dev.jnas.store;

/**
 * The experiment's header row.
 *
 * @param config the experiment config as JSON
 * @param provenance JSON: library versions, Java, OS, seed
 * @param status CREATED, RUNNING, FINISHED or FAILED
 */
public record ExperimentInfo(
    String name, String config, String provenance, String status, long createdAt, long updatedAt) {}
