package io.github.pptpalg.netty.gre;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.nat.GreBinding;

/**
 * Tells which way a binding's packets travel, for the per-direction GRE counters. Called on the GRE
 * thread for every relayed packet: it must be cheap, must not block and must not allocate (for
 * instance a field of the binding's owner, the session layer's call).
 */
@FunctionalInterface
public interface GreDirectionResolver {

    /** The direction of the packets of {@code binding}. */
    GreDirection directionOf(GreBinding binding);
}
