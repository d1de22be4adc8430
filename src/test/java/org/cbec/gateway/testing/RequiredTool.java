package org.cbec.gateway.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A command-line peer a test needs (OpenSSL, xmlsec1). On a developer's machine without it the test is skipped
 * with the install hint; in CI ({@code CI=true}, as .ci/run runs), where .ci/run installs it, a missing tool fails
 * the test instead: a skip there would hide that the interoperability test never ran (issue 18 §8).
 */
public final class RequiredTool {
    private RequiredTool() {}

    public static void require(boolean available, String tool, String hint) {
        if (available) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("the " + tool + " command is required in CI and is not installed (" + hint + ")");
        }
        Assumptions.assumeTrue(false, "the " + tool + " command is not installed (" + hint + ")");
    }
}
