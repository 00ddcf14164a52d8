/** The GRE relay: demultiplex by (source address, Call ID), rewrite the Call ID in place, forward. */
package io.github.pptpalg.netty.gre;
