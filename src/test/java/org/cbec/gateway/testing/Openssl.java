package org.cbec.gateway.testing;

import java.io.IOException;

/** The OpenSSL command line, which partners use to sign; .ci/run installs it, tests that need it require it (RequiredTool). */
public final class Openssl {
    private Openssl() {}

    /** Fails the test where the tool is missing ({@link RequiredTool}). */
    public static void require() {
        RequiredTool.require(available(), "openssl", ".ci/run installs it: apt-get install openssl");
    }

    public static boolean available() {
        try {
            return new ProcessBuilder("openssl", "version")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
