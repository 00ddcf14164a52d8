/** The control connection relay: accept, authorize, connect, decode, translate Call IDs, re-encode. */
package io.github.pptpalg.netty.control;
