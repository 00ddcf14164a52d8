/** Call ID allocation and the (address, Call ID) translation map of the GRE path. */
package io.github.pptpalg.core.nat;
