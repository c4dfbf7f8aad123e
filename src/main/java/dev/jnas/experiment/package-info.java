/** Experiment configs and the ask/evaluate/tell loop with crash-safe resume. Engine-free. */
package dev.jnas.experiment;
