package io.tokenport.e2e;

import java.util.List;

/**
 * A finished command: its exit status and what it wrote (stdout and stderr together, in order).
 */
public record CommandResult(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
        return exitCode == 0;
    }
}
