/**
 * Call ID allocation and the (address, Call ID) translation map of the GRE path.
 *
 * <ul>
 *   <li>{@link io.github.pptpalg.core.nat.CallIdAllocator} hands out the gateway's own Call IDs from a
 *       {@link io.github.pptpalg.core.nat.CallIdRange}: random among the free ones, unique among the
 *       live ones, quarantined after release. The Call ID in the enhanced GRE header is the
 *       receiver's own Call ID (RFC 2637, section 4.1), so the IDs the gateway allocates are the
 *       keys its peers put in the GRE packets they send to it.</li>
 *   <li>{@link io.github.pptpalg.core.nat.CallIdTranslationMap} maps the key of an arriving GRE packet,
 *       (source address, Call ID), to the {@link io.github.pptpalg.core.nat.GreBinding} that says
 *       where to send it and which Call ID to write; lock-free, allocation-free lookups for the GRE
 *       thread, serialized updates from the control plane.</li>
 * </ul>
 */
package io.github.pptpalg.core.nat;
