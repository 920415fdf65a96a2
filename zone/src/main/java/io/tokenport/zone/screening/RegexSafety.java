package io.tokenport.zone.screening;

import java.util.ArrayDeque;

/**
 * Refuses the regular expression constructions that make Java's backtracking matcher slow on a hostile or merely
 * unlucky request: back-references and lookaround (not needed to describe a code or an identifier), and a group
 * holding an unbounded quantifier that is itself repeated, such as {@code (a+)+} or {@code (\w*,)*}, which backtracks
 * exponentially. Bounded repetition such as {@code (\d{3}-){2}\d{4}} is allowed.
 *
 * <p>This is a syntactic check, not a proof: an alternation of overlapping branches under a star ({@code (a|aa)*})
 * passes it. Operators should keep patterns to literal prefixes, character classes and bounded counts.
 */
final class RegexSafety {
    private RegexSafety() {
    }

    /** What makes {@code regex} unsafe, as a sentence to show the operator, or null if nothing does. */
    static String problem(String regex) {
        // For each open group: whether it holds an unbounded quantifier.
        ArrayDeque<boolean[]> groups = new ArrayDeque<>();
        groups.push(new boolean[1]);
        boolean lastWasUnboundedGroup = false;
        boolean afterQuantifier = false;
        int n = regex.length();
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            boolean closedUnboundedGroup = false;
            boolean quantifier = false;
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n) {
                        char e = regex.charAt(i + 1);
                        if ((e >= '1' && e <= '9') || e == 'k') {
                            return "back-references are not allowed in screening patterns (they can take "
                                    + "exponential time)";
                        }
                        if (e == 'Q') {
                            int end = regex.indexOf("\\E", i + 2);
                            i = end < 0 ? n : end + 1;
                        } else {
                            i++;
                        }
                    }
                }
                case '[' -> i = endOfClass(regex, i);
                case '(' -> {
                    if (regex.startsWith("(?=", i) || regex.startsWith("(?!", i) || regex.startsWith("(?<=", i)
                            || regex.startsWith("(?<!", i)) {
                        return "lookahead and lookbehind are not allowed in screening patterns";
                    }
                    groups.push(new boolean[1]);
                }
                case ')' -> {
                    if (groups.size() > 1) {
                        boolean inner = groups.pop()[0];
                        closedUnboundedGroup = inner;
                        if (inner) {
                            groups.peek()[0] = true;
                        }
                    }
                }
                case '*', '+', '?' -> {
                    quantifier = !afterQuantifier;
                    if (quantifier && c != '?') {
                        if (lastWasUnboundedGroup) {
                            return nested();
                        }
                        groups.peek()[0] = true;
                    }
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    if (close > i && regex.substring(i + 1, close).matches("\\d+(,\\d*)?")) {
                        String[] bounds = regex.substring(i + 1, close).split(",", -1);
                        boolean unbounded = bounds.length == 2 && bounds[1].isEmpty();
                        int max = unbounded ? Integer.MAX_VALUE
                                : Integer.parseInt(bounds[bounds.length - 1].length() > 9 ? "999999999"
                                : bounds[bounds.length - 1]);
                        if (!afterQuantifier) {
                            quantifier = true;
                            if (lastWasUnboundedGroup && max > 1) {
                                return nested();
                            }
                            if (unbounded) {
                                groups.peek()[0] = true;
                            }
                        }
                        i = close;
                    }
                }
                default -> {
                }
            }
            lastWasUnboundedGroup = closedUnboundedGroup;
            afterQuantifier = quantifier;
        }
        return null;
    }

    private static String nested() {
        return "a repeated group holds an unbounded quantifier, as in (a+)+, which can take exponential time; "
                + "bound the inner or the outer repetition";
    }

    /** Index of the ']' closing the character class opened at {@code open} (classes may nest in Java). */
    private static int endOfClass(String regex, int open) {
        int depth = 0;
        for (int i = open; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && i > open + 1) {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        return regex.length();
    }
}
