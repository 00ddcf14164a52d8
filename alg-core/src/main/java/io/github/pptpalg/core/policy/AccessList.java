package io.github.pptpalg.core.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The source addresses allowed to open a control connection: a list of {@link Subnet}s. An empty list allows
 * every address (as pptpproxy's {@code -a} option does when absent); otherwise an address is allowed if any
 * subnet contains it. Only IPv4 subnets exist, so a non-empty list never allows an IPv6 client.
 */
public final class AccessList {

    private static final AccessList ALLOW_ALL = new AccessList(List.of());

    private final List<Subnet> subnets;

    private AccessList(List<Subnet> subnets) {
        this.subnets = subnets;
    }

    /** The empty list: every address is allowed. */
    public static AccessList allowAll() {
        return ALLOW_ALL;
    }

    /** A list of the given subnets (empty: allow all). */
    public static AccessList of(Collection<Subnet> subnets) {
        List<Subnet> copy = List.copyOf(Objects.requireNonNull(subnets, "subnets"));
        return copy.isEmpty() ? ALLOW_ALL : new AccessList(copy);
    }

    /** A list of the given subnets (none: allow all). */
    public static AccessList of(Subnet... subnets) {
        return of(List.of(subnets));
    }

    /**
     * Parses subnets separated by commas and/or white space, each as {@link Subnet#parse(String)} reads it;
     * blank text is the empty list.
     *
     * @throws IllegalArgumentException naming the first bad subnet
     */
    public static AccessList parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Subnet> subnets = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                subnets.add(Subnet.parse(part));
            }
        }
        return of(subnets);
    }

    /** Whether a control connection from {@code address} is allowed. */
    public boolean permits(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (subnets.isEmpty()) {
            return true;
        }
        for (Subnet subnet : subnets) {
            if (subnet.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this list allows every address. */
    public boolean isEmpty() {
        return subnets.isEmpty();
    }

    /** The subnets, in the order given. */
    public List<Subnet> subnets() {
        return subnets;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessList && ((AccessList) o).subnets.equals(subnets);
    }

    @Override
    public int hashCode() {
        return subnets.hashCode();
    }

    /** The subnets separated by commas, or {@code "allow all"}. */
    @Override
    public String toString() {
        if (subnets.isEmpty()) {
            return "allow all";
        }
        StringBuilder text = new StringBuilder();
        for (Subnet subnet : subnets) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(subnet);
        }
        return text.toString();
    }
}
