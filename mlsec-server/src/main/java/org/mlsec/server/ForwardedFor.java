package org.mlsec.server;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.mlsec.InputException;

/**
 * Who the client is behind reverse proxies. {@code X-Forwarded-For} is a list each proxy appends the address it
 * received the request from to; only the entries added by proxies we trust are believable, and the client may
 * write anything to the left of them. So the header is read only when the connection comes from a trusted proxy,
 * and the client is the right-most entry that is not itself a trusted proxy (MDN, "X-Forwarded-For: selecting an
 * IP address"). Addresses are compared in their canonical form, so {@code ::1} and {@code 0:0:0:0:0:0:0:1} match.
 */
final class ForwardedFor {
    /** Entries read at most, from the right: a longer header is a forgery or a loop. */
    static final int MAX_HOPS = 32;
    private final Set<String> trusted;

    /** @param trustedProxies literal IP addresses of the proxies in front of the server (empty: the header is ignored) */
    ForwardedFor(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(ForwardedFor::canonicalLiteral).collect(Collectors.toUnmodifiableSet());
    }

    /** The client's address given the connection's peer and the header (null when absent). */
    String client(String peer, String header) {
        String p = canonical(peer);
        if (header == null || !trusted.contains(p)) {
            return p;
        }
        String[] hops = header.split(",");
        String last = p;
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            String hop = canonical(hops[i].trim());
            if (hop.isEmpty()) {
                continue;
            }
            if (!trusted.contains(hop)) {
                return hop;
            }
            last = hop;
        }
        return last;
    }

    private static String canonicalLiteral(String address) {
        String c = canonical(address);
        if (c.isEmpty() || !isLiteral(address.trim())) {
            throw new InputException("trusted_proxies: '" + address + "' is not an IP address");
        }
        return c;
    }

    /** A dotted-quad with octets up to 255, or something shaped like IPv6 (parsed without any DNS lookup). */
    private static boolean isLiteral(String s) {
        if (s.contains(":")) {
            return s.matches("[0-9a-fA-F:.\\[\\]%]+");
        }
        String[] o = s.split("\\.", -1);
        if (o.length != 4) {
            return false;
        }
        for (String x : o) {
            if (!x.matches("[0-9]{1,3}") || Integer.parseInt(x) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal in canonical form; anything else (a name, garbage) unchanged but bounded in length. */
    static String canonical(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > 64 ? s.substring(0, 64) : s;
        if (isLiteral(t)) {
            try {
                // A literal never triggers a DNS lookup.
                return InetAddress.getByName(t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t)
                        .getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return t;
            }
        }
        return t;
    }
}
