/**
 * The demo behind the README's "run it": {@link io.github.pptpalg.examples.demo.Demo} starts a
 * {@link io.github.pptpalg.netty.PptpAlg} on loopback between an in-process PPTP client (PNS) and server (PAC)
 * built on alg-codec, sets up calls (RFC 2637 section 2: SCCRQ/SCCRP, OCRQ/OCRP), moves enhanced-GRE data both ways
 * through raw sockets (section 4.1), hangs up (CCRQ/CDN, StopCCRQ/StopCCRP) and compares what the peers counted
 * with the gateway's metrics. See https://www.rfc-editor.org/rfc/rfc2637.
 */
package io.github.pptpalg.examples.demo;
