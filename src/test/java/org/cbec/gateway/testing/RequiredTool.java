package org.cbec.gateway.testing;

/**
 * A command-line peer a test needs (OpenSSL, xmlsec1). A missing tool fails the test with the install hint, on a
 * developer's machine as in CI: a skipped interoperability test checks nothing (issue 18 §8), and .ci/run installs
 * every tool the tests need.
 */
public final class RequiredTool {
    private RequiredTool() {}

    public static void require(boolean available, String tool, String hint) {
        if (!available) {
            throw new AssertionError(
                    "the " + tool + " command is required by this test and is not installed (" + hint + ")");
        }
    }
}
