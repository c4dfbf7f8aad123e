/** The picocli command line behind the ./jnas launcher. */
package dev.jnas.cli;
