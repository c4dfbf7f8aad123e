/** The Java API: create, run and resume experiments in a folder. */
package dev.jnas.api;
