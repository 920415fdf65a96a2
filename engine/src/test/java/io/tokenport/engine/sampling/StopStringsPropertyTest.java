package io.tokenport.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests over random texts, stop strings and splits. The cases come from a fixed seed, so a failure
 * reproduces; the case number in the message says which one.
 */
class StopStringsPropertyTest {
    /** A small alphabet with a CJK char and an emoji, so stop strings occur often and pairs get split. */
    private static final String[] ALPHABET = {"a", "b", "c", "\n", "终", "😀"};

    private record Case(String text, List<String> stops, List<Integer> cuts) {
    }

    private static List<Case> cases(long seed, int count) {
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = word(random, 0, 60);
            List<String> stops = new ArrayList<>();
            for (int s = 1 + random.nextInt(4); s > 0; s--) {
                stops.add(word(random, 1, 4));
            }
            List<Integer> cuts = new ArrayList<>();
            for (int c = random.nextInt(31); c > 0; c--) {
                cuts.add(random.nextInt(101));
            }
            cases.add(new Case(text, stops, cuts));
        }
        return cases;
    }

    private static String word(Random random, int min, int max) {
        StringBuilder sb = new StringBuilder();
        for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    @Test
    void releasedTextIsTheTextUpToTheFirstCompletedStopString() {
        List<Case> cases = cases(1, 2000);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Outcome outcome = run(c.stops(), split(c.text(), c.cuts()));
            Outcome expected = reference(c.text(), c.stops());
            assertThat(outcome).as("case %d: %s", i, c).isEqualTo(expected);
        }
    }

    @Test
    void whenNoStopStringOccursInsideAnotherTheCutIsTheFirstIndexOf() {
        List<Case> cases = cases(2, 1000);
        int checked = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (oneContainsAnother(c.stops())) {
                continue;
            }
            // The plain String.indexOf reference holds whenever no stop string contains another.
            int first = Integer.MAX_VALUE;
            for (String stop : c.stops()) {
                int at = c.text().indexOf(stop);
                if (at >= 0) {
                    first = Math.min(first, at);
                }
            }
            String expected = first == Integer.MAX_VALUE ? c.text() : c.text().substring(0, first);
            assertThat(run(c.stops(), split(c.text(), c.cuts())).released).as("case %d: %s", i, c)
                    .isEqualTo(expected);
            checked++;
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void theResultDoesNotDependOnHowTheTextIsSplit() {
        List<Case> cases = cases(3, 500);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            assertThat(run(c.stops(), split(c.text(), c.cuts()))).as("case %d: %s", i, c)
                    .isEqualTo(run(c.stops(), List.of(c.text())));
        }
    }

    private static boolean oneContainsAnother(List<String> stops) {
        for (String a : stops) {
            for (String b : stops) {
                if (!a.equals(b) && a.contains(b)) {
                    return true;
                }
            }
        }
        return false;
    }

    private record Outcome(String released, String stop) {
    }

    private static Outcome run(List<String> stops, List<String> pieces) {
        StopStrings matcher = new StopStrings(stops);
        StringBuilder released = new StringBuilder();
        for (String piece : pieces) {
            String out = matcher.feed(piece);
            // Released text must always be whole UTF-16: never end in a lone high surrogate.
            assertThat(out.isEmpty() || !Character.isHighSurrogate(out.charAt(out.length() - 1))).isTrue();
            released.append(out);
            if (matcher.stopped()) {
                return new Outcome(released.toString(), matcher.stopString());
            }
        }
        released.append(matcher.flush());
        return new Outcome(released.toString(), null);
    }

    /** The whole text at once: each stop's first occurrence by indexOf; earliest end wins, then earliest start. */
    private static Outcome reference(String text, List<String> stops) {
        int bestStart = -1;
        int bestEnd = Integer.MAX_VALUE;
        String best = null;
        for (String stop : stops) {
            int start = text.indexOf(stop);
            if (start >= 0) {
                int end = start + stop.length();
                if (end < bestEnd || (end == bestEnd && start < bestStart)) {
                    bestStart = start;
                    bestEnd = end;
                    best = stop;
                }
            }
        }
        return best == null ? new Outcome(text, null) : new Outcome(text.substring(0, bestStart), best);
    }

    /** Splits at arbitrary char offsets, surrogate pairs included, with empty pieces where cuts repeat. */
    private static List<String> split(String text, List<Integer> cuts) {
        List<Integer> points = new ArrayList<>();
        for (int cut : cuts) {
            points.add(text.isEmpty() ? 0 : cut % (text.length() + 1));
        }
        points.sort(null);
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int point : points) {
            pieces.add(text.substring(from, point));
            from = point;
        }
        pieces.add(text.substring(from));
        return pieces;
    }
}
