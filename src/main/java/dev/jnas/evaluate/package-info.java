/** The evaluator contract, trial results and reward transforms. Engine-free. */
package dev.jnas.evaluate;
