package io.github.pptpalg.netty.interop;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Asynchronous HDLC-like framing of PPP (RFC 1662 section 4): what pptpctrl and pptp-linux
 * speak on their pty / socket side. A frame is {@code 0x7E}, the PPP frame followed by its
 * FCS-16 (least significant byte first), with {@code 0x7E}, {@code 0x7D} and every control
 * character selected by the ACCM sent as {@code 0x7D, byte ^ 0x20}, then {@code 0x7E}.
 * The PPP frame itself (address/control, protocol, information) is opaque here.
 */
public final class HdlcFraming {

    public static final int FLAG = 0x7E;
    public static final int ESCAPE = 0x7D;
    /** The default Async-Control-Character-Map: escape all of 0x00..0x1F. */
    public static final int DEFAULT_ACCM = 0xFFFFFFFF;
    /** FCS-16 computed over a frame and its own FCS gives this (RFC 1662 "good final FCS"). */
    public static final int GOOD_FCS = 0xF0B8;

    private static final int[] FCS_TABLE = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            int v = b;
            for (int bit = 0; bit < 8; bit++) {
                v = (v & 1) != 0 ? (v >>> 1) ^ 0x8408 : v >>> 1;
            }
            FCS_TABLE[b] = v;
        }
    }

    private HdlcFraming() {
    }

    /** RFC 1662's FCS-16 update: start from {@code 0xFFFF}, complement at the end before sending. */
    public static int fcs16(int fcs, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        for (int i = offset; i < offset + length; i++) {
            fcs = (fcs >>> 8) ^ FCS_TABLE[(fcs ^ data[i]) & 0xFF];
        }
        return fcs;
    }

    /** One PPP frame as async-HDLC bytes with the default ACCM. */
    public static byte[] encode(byte[] frame) {
        return encode(frame, DEFAULT_ACCM);
    }

    /** One PPP frame as async-HDLC bytes, escaping the control characters selected by {@code accm}. */
    public static byte[] encode(byte[] frame, int accm) {
        Objects.requireNonNull(frame, "frame");
        if (frame.length == 0) {
            throw new IllegalArgumentException("frame length: 0 (expected: at least 1)");
        }
        int fcs = fcs16(0xFFFF, frame, 0, frame.length) ^ 0xFFFF;
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length * 2 + 6);
        out.write(FLAG);
        for (byte b : frame) {
            put(out, b & 0xFF, accm);
        }
        put(out, fcs & 0xFF, accm);
        put(out, fcs >>> 8, accm);
        out.write(FLAG);
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, int b, int accm) {
        if (b == FLAG || b == ESCAPE || (b < 0x20 && (accm & (1 << b)) != 0)) {
            out.write(ESCAPE);
            out.write(b ^ 0x20);
        } else {
            out.write(b);
        }
    }

    /**
     * Splits an async-HDLC byte stream into PPP frames, checks and strips the FCS. Not
     * thread-safe. Frames with a bad FCS, an abort sequence ({@code 0x7D 0x7E}) or fewer than
     * 3 bytes are dropped and counted, as a PPP implementation would.
     */
    public static final class Deframer {
        private final int receiveAccm;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private boolean escaped;
        private long badFcs;
        private long aborts;
        private long runts;

        /** A deframer that takes every unescaped byte literally. */
        public Deframer() {
            this(0);
        }

        /** A deframer that discards unescaped control characters selected by {@code receiveAccm} (RFC 1662 4.2). */
        public Deframer(int receiveAccm) {
            this.receiveAccm = receiveAccm;
        }

        /** Feeds bytes; returns the frames they completed (FCS removed), possibly none. */
        public List<byte[]> feed(byte[] data, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, data.length);
            List<byte[]> frames = new ArrayList<>(1);
            for (int i = offset; i < offset + length; i++) {
                int b = data[i] & 0xFF;
                if (b == FLAG) {
                    if (escaped) {
                        aborts++;
                    } else if (current.size() > 0) {
                        finish(frames);
                    }
                    current.reset();
                    escaped = false;
                } else if (b == ESCAPE) {
                    escaped = true;
                } else if (b < 0x20 && (receiveAccm & (1 << b)) != 0) {
                    continue; // inserted by the link, not part of the frame
                } else if (escaped) {
                    current.write(b ^ 0x20);
                    escaped = false;
                } else {
                    current.write(b);
                }
            }
            return frames;
        }

        private void finish(List<byte[]> frames) {
            byte[] withFcs = current.toByteArray();
            if (withFcs.length < 3) {
                runts++;
            } else if (fcs16(0xFFFF, withFcs, 0, withFcs.length) != GOOD_FCS) {
                badFcs++;
            } else {
                byte[] frame = new byte[withFcs.length - 2];
                System.arraycopy(withFcs, 0, frame, 0, frame.length);
                frames.add(frame);
            }
        }

        public long badFcs() {
            return badFcs;
        }

        public long aborts() {
            return aborts;
        }

        public long runts() {
            return runts;
        }
    }
}
