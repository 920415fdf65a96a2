package io.tokenport.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StopStringsPropertyTest {

    /** A small alphabet with a CJK char and an emoji, so stop strings occur often and pairs get split. */
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.of("a", "b", "c", "\n", "终", "😀").list().ofMaxSize(60).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<List<String>> stops() {
        Arbitrary<String> stop = Arbitraries.of("a", "b", "c", "\n", "终", "😀").list().ofMinSize(1).ofMaxSize(4)
                .map(parts -> String.join("", parts));
        return stop.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 2000)
    void releasedTextIsTheTextUpToTheFirstCompletedStopString(
            @ForAll("text") String text,
            @ForAll("stops") List<String> stops,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 100) Integer> cuts) {
        Outcome outcome = run(stops, split(text, cuts));
        Outcome expected = reference(text, stops);
        assertThat(outcome.released).isEqualTo(expected.released);
        assertThat(outcome.stop).isEqualTo(expected.stop);
    }

    @Property(tries = 1000)
    void whenNoStopStringOccursInsideAnotherTheCutIsTheFirstIndexOf(
            @ForAll("text") String text,
            @ForAll("stops") List<String> stops,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 100) Integer> cuts) {
        // The plain String.indexOf reference holds whenever no stop string contains another.
        for (String a : stops) {
            for (String b : stops) {
                if (!a.equals(b) && a.contains(b)) {
                    return;
                }
            }
        }
        int first = Integer.MAX_VALUE;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0) {
                first = Math.min(first, at);
            }
        }
        String expected = first == Integer.MAX_VALUE ? text : text.substring(0, first);
        assertThat(run(stops, split(text, cuts)).released).isEqualTo(expected);
    }

    @Property(tries = 500)
    void theResultDoesNotDependOnHowTheTextIsSplit(
            @ForAll("text") String text,
            @ForAll("stops") List<String> stops,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 100) Integer> cuts) {
        assertThat(run(stops, split(text, cuts))).isEqualTo(run(stops, List.of(text)));
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
