package org.cbec.gateway.testing;

import java.io.IOException;

/** The OpenSSL command line, which partners use to sign; .ci/run installs it, tests that need it assume it. */
public final class Openssl {
    private Openssl() {}

    public static boolean available() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
