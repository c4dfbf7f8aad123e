/**
 * Reinforcement-learning search strategies. The only strategy package allowed to use DJL: the
 * controller is a DJL LSTM trained with DJL's Adam.
 */
package dev.jnas.strategy.rl;
