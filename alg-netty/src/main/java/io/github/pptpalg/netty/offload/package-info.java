/**
 * The optional kernel fast path of the GRE plane: a tc (tcx) BPF program that relays the GRE packets of
 * established calls inside the kernel, from a map the gateway keeps in step with its translation map.
 */
package io.github.pptpalg.netty.offload;
