package io.github.pptpalg.examples.it;

import io.github.pptpalg.netty.interop.Exec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.opentest4j.AssertionFailedError;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * A capture file as tshark, the independent decoder, reads it: every frame carrying PPTP control messages or a
 * GRE packet, with the outer IPv4 addresses, the control messages' types and Call IDs, and the GRE key's Call ID.
 * Read from tshark's PDML, where each PPTP message is its own element (a TCP segment may carry several); the PPP
 * dissector is disabled, so a GRE payload is never taken apart (random test frames would look like anything).
 */
record TsharkDecoding(Path file, List<Frame> frames) {

    /** PPTP Control Message Types (RFC 2637, section 2). */
    static final int SCCRQ = 1;
    static final int SCCRP = 2;
    static final int STOP_CCRQ = 3;
    static final int OCRQ = 7;
    static final int OCRP = 8;
    static final int CCRQ = 12;
    static final int CDN = 13;

    /** One frame: outer IPv4 source and destination, its PPTP control messages, its GRE key's Call ID (-1: no GRE). */
    record Frame(int number, String source, String destination, List<ControlMessage> control, int greCallId) {

        boolean isGre() {
            return greCallId >= 0;
        }
    }

    /** One PPTP control message; -1 for a field the message type does not have. */
    record ControlMessage(int type, int callId, int peerCallId) {
    }

    /** Runs {@code tshark -r file -T pdml} on PPTP and GRE frames and parses the result. */
    static TsharkDecoding read(Path file) {
        Exec.Result result = Exec.run(Duration.ofSeconds(30), List.of("tshark", "-n", "-r", file.toString(),
                "--disable-protocol", "ppp", "-Y", "pptp || gre", "-T", "pdml"));
        if (!result.succeeded()) {
            throw new AssertionFailedError("tshark cannot read " + file + " (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
        return new TsharkDecoding(file, parse(result.stdout()));
    }

    private static List<Frame> parse(String pdml) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(pdml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionFailedError("tshark's PDML does not parse: " + e, e);
        }
        List<Frame> frames = new ArrayList<>();
        NodeList packets = document.getElementsByTagName("packet");
        for (int i = 0; i < packets.getLength(); i++) {
            frames.add(frame((Element) packets.item(i)));
        }
        return frames;
    }

    private static Frame frame(Element packet) {
        int number = -1;
        String source = null;
        String destination = null;
        int greCallId = -1;
        List<ControlMessage> control = new ArrayList<>();
        for (Node node = packet.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (!(node instanceof Element proto) || !proto.getTagName().equals("proto")) {
                continue;
            }
            switch (proto.getAttribute("name")) {
                case "geninfo" -> number = Integer.parseInt(show(proto, "num", "-1"));
                case "ip" -> {
                    if (source == null) { // the outer header
                        source = show(proto, "ip.src", null);
                        destination = show(proto, "ip.dst", null);
                    }
                }
                case "gre" -> {
                    if (greCallId < 0) {
                        greCallId = (int) value(proto, "gre.key.call_id");
                    }
                }
                case "pptp" -> control.add(new ControlMessage((int) value(proto, "pptp.control_message_type"),
                        (int) value(proto, "pptp.call_id"), (int) value(proto, "pptp.peer_call_id")));
                default -> {
                    // other layers: not needed
                }
            }
        }
        return new Frame(number, source, destination, List.copyOf(control), greCallId);
    }

    /** The first field named {@code name} under {@code proto}, at any depth. */
    private static Element field(Element proto, String name) {
        NodeList fields = proto.getElementsByTagName("field");
        for (int i = 0; i < fields.getLength(); i++) {
            Element field = (Element) fields.item(i);
            if (field.getAttribute("name").equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static String show(Element proto, String name, String absent) {
        Element field = field(proto, name);
        return field == null ? absent : field.getAttribute("show");
    }

    /** The field's raw value (PDML's hex {@code value} attribute) as a number; -1 if the message has no such field. */
    private static long value(Element proto, String name) {
        Element field = field(proto, name);
        return field == null || field.getAttribute("value").isEmpty() ? -1 : Long.parseLong(field.getAttribute("value"), 16);
    }

    /** The control messages of {@code type} sent from {@code source} (null: any) to {@code destination} (null: any). */
    List<ControlMessage> control(int type, String source, String destination) {
        List<ControlMessage> messages = new ArrayList<>();
        for (Frame frame : frames) {
            if (matches(frame, source, destination)) {
                frame.control().stream().filter(m -> m.type() == type).forEach(messages::add);
            }
        }
        return messages;
    }

    /** The GRE frames from {@code source} (null: any) to {@code destination} (null: any) matching {@code filter}. */
    List<Frame> gre(String source, String destination, Predicate<Frame> filter) {
        return frames.stream().filter(Frame::isGre).filter(f -> matches(f, source, destination)).filter(filter).toList();
    }

    private static boolean matches(Frame frame, String source, String destination) {
        return (source == null || source.equals(frame.source())) && (destination == null || destination.equals(frame.destination()));
    }

    /** For failure messages: the control frames, and how many GRE frames there are. */
    String summary() {
        StringBuilder text = new StringBuilder(file.toString()).append(": ");
        long gre = 0;
        for (Frame frame : frames) {
            if (frame.isGre()) {
                gre++;
            } else {
                text.append("\n  #").append(frame.number()).append(' ').append(frame.source()).append(" > ")
                        .append(frame.destination()).append(' ').append(frame.control());
            }
        }
        return text.append("\n  and ").append(gre).append(" GRE frames").toString();
    }
}
