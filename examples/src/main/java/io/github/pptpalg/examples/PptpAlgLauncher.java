package io.github.pptpalg.examples;

/**
 * The {@code pptp-alg} command. A placeholder until the launcher issue lands: it only prints its usage.
 */
public final class PptpAlgLauncher {

    private PptpAlgLauncher() {
    }

    public static void main(String[] args) {
        System.out.println("Usage: pptp-alg [-h] -p [listenAddress[:port],]peerAddress[:port] ...");
        System.out.println("The launcher is not complete yet; see README.md.");
    }
}
