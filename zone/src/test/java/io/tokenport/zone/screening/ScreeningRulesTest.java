package io.tokenport.zone.screening;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tokenport.zone.screening.PersonalDataKind.OPERATOR_PATTERN;
import static io.tokenport.zone.screening.PersonalDataKind.OPERATOR_TERM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's rules file: parsing, errors an operator can act on, the canonical hash, and matching. */
class ScreeningRulesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);
    private static final String RULES = """
            {
              "version": "2026.1",
              "patterns": [{"name": "employee-number", "regex": "EMP-[0-9]{6}"}],
              "terms": ["Project Nightingale"]
            }""";

    @Test
    void hashIsSha256OfTheDocumentedCanonicalForm() {
        // printf 'tokenport-screening-rules/1\ndetectors 21:tokenport-screening/1\nversion 4:none\n' | sha256sum
        assertThat(ScreeningRules.none().hash())
                .isEqualTo("56161c885a105ce591caa1566f3143afba22d35bd4b358db2ede682e734ba74d");
        // ... version 6:2026.1\npattern 15:employee-number\nregex 12:EMP-[0-9]{6}\nterm 19:project nightingale\n
        assertThat(ScreeningRules.parse(RULES).hash())
                .isEqualTo("5d110b92c54086c2707d2824da387db1a919aa12d3885cc04bf77c89ffde6562");
    }

    @Test
    void hashIgnoresLayoutOrderAndTermCaseButNotContent() {
        String base = ScreeningRules.parse("""
                {"version": "v1",
                 "patterns": [{"name": "a", "regex": "A-[0-9]{4}"}, {"name": "b", "regex": "B[0-9]{3}"}],
                 "terms": ["alpha", "Beta"]}""").hash();
        String reordered = ScreeningRules.parse("""
                {
                  "terms": ["BETA", "alpha", "Alpha"],
                  "patterns": [{"regex": "B[0-9]{3}", "name": "b"}, {"name": "a", "regex": "A-[0-9]{4}"}],
                  "version": "v1"
                }""").hash();
        assertThat(reordered).isEqualTo(base);
        assertThat(ScreeningRules.parse("""
                {"version": "v2",
                 "patterns": [{"name": "a", "regex": "A-[0-9]{4}"}, {"name": "b", "regex": "B[0-9]{3}"}],
                 "terms": ["alpha", "Beta"]}""").hash()).as("version").isNotEqualTo(base);
        assertThat(ScreeningRules.parse("""
                {"version": "v1",
                 "patterns": [{"name": "a", "regex": "A-[0-9]{5}"}, {"name": "b", "regex": "B[0-9]{3}"}],
                 "terms": ["alpha", "Beta"]}""").hash()).as("regex").isNotEqualTo(base);
        assertThat(ScreeningRules.parse("""
                {"version": "v1",
                 "patterns": [{"name": "a", "regex": "A-[0-9]{4}"}, {"name": "b", "regex": "B[0-9]{3}"}],
                 "terms": ["alpha", "Bet"]}""").hash()).as("term").isNotEqualTo(base);
        // Length prefixes: moving a character from one term to the next changes the hash.
        assertThat(ScreeningRules.of("v", List.of(), List.of("ab", "c")).hash())
                .isNotEqualTo(ScreeningRules.of("v", List.of(), List.of("a", "bc")).hash());
    }

    @Test
    void termsMatchCaseInsensitivelyAndThroughFullWidthForms() {
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.parse(RULES), CLOCK);
        assertThat(screener.screen("notes on project NIGHTINGALE").findings()).isEqualTo(Map.of(OPERATOR_TERM, 1));
        assertThat(screener.screen("关于ＰＲＯＪＥＣＴ　ＮＩＧＨＴＩＮＧＡＬＥ的说明").findings())
                .isEqualTo(Map.of(OPERATOR_TERM, 1));
        assertThat(screener.screen("project nightingal").clean()).isTrue();
    }

    @Test
    void patternsRunOnFoldedTextAndCountMatches() {
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.parse(RULES), CLOCK);
        assertThat(screener.screen("EMP-123456 and EMP-654321").findings()).isEqualTo(Map.of(OPERATOR_PATTERN, 2));
        assertThat(screener.screen("工号ＥＭＰ－１２３４５６").findings()).isEqualTo(Map.of(OPERATOR_PATTERN, 1));
        assertThat(screener.screen("EMP-12345").clean()).isTrue();
        ScreeningVerdict verdict = screener.screen("EMP-123456");
        assertThat(verdict.rulesHash()).isEqualTo(screener.rules().hash());
    }

    @Test
    void termCountsAgreeWithANaiveSearchOnRandomInputs() {
        Random random = new Random(20261128);
        for (int round = 0; round < 300; round++) {
            List<String> terms = new ArrayList<>();
            for (int t = 1 + random.nextInt(6); t > 0; t--) {
                terms.add(randomText(random, 1 + random.nextInt(4)));
            }
            String text = randomText(random, random.nextInt(60));
            TermMatcher matcher = TermMatcher.of(terms);
            assertThat(matcher.count(text)).as("terms %s in %s", terms, text).isEqualTo(naiveCount(terms, text));
        }
    }

    @Test
    void badRulesGetErrorsThatSayWhatToFix() {
        assertRefused("{", "not valid JSON");
        assertRefused("[]", "expected a JSON object");
        assertRefused("{\"patterns\": []}", "\"version\" is missing");
        assertRefused("{\"version\": \"1\", \"term\": [\"x\"]}", "unknown field \"term\"");
        assertRefused("{\"version\": \"1\", \"version\": \"2\"}", "Duplicate field");
        assertRefused("{\"version\": \"1\", \"terms\": \"x\"}", "\"terms\" is not an array");
        assertRefused("{\"version\": \"1\", \"terms\": [\" \"]}", "terms[0] is blank");
        assertRefused("{\"version\": \"1\", \"terms\": [3]}", "terms[0] is not a string");
        assertRefused("{\"version\": \"1\", \"patterns\": [{\"name\": \"p\"}]}", "patterns[0].regex is missing");
        assertRefused("{\"version\": \"1\", \"patterns\": [{\"name\": \"p\", \"regex\": \"(a\"}]}",
                "patterns[0] (p): not a valid regular expression");
        assertRefused("{\"version\": \"1\", \"patterns\": [{\"name\": \"p\", \"regex\": \"a*\"}]}",
                "matches the empty string");
        assertRefused("{\"version\": \"1\", \"patterns\": [{\"name\": \"p\", \"regex\": \"x\"}, "
                + "{\"name\": \"p\", \"regex\": \"y\"}]}", "used twice");
        assertRefused("{\"version\": \"1\", \"patterns\": [{\"name\": \"p\", \"regex\": \"x\", \"flags\": \"i\"}]}",
                "patterns[0]: unknown field \"flags\"");
    }

    @Test
    void patternsThatCanBacktrackExponentiallyAreRefused() {
        for (String unsafe : new String[] {"(a+)+b", "(\\w*,)*x", "((ab)+)+c", "(a+){2,}b", "(a|b+)*c",
            "(x)\\1", "(?<n>x)\\k<n>", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b"}) {
            assertThatThrownBy(() -> OperatorPattern.of("p", unsafe, "patterns[0]")).as(unsafe)
                    .isInstanceOf(ScreeningRulesException.class);
        }
        for (String safe : new String[] {"(\\d{3}-){2}\\d{4}", "EMP-[0-9]{6}", "(ab)+", "a+b*c?", "[(+*)]+x",
            "\\Q(a+)+\\E", "(a+)?b", "(?i)secret", "(?:abc){1,3}", "a++b", "[a-z&&[^e]]+q"}) {
            assertThat(OperatorPattern.of("p", safe, "patterns[0]").regex()).isEqualTo(safe);
        }
    }

    @Test
    void aPatternThatBacktracksPastItsBudgetCountsAsAMatch() {
        // Passes the syntactic check (no quantifier inside the repeated group) yet backtracks exponentially on a run
        // of a's without a b (2 million ways to split 32 a's): the read budget stops it and the gate fails closed.
        OperatorPattern slow = OperatorPattern.of("slow", "(a|aa){1,60}b", "patterns[0]");
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.of("1", List.of(slow), List.of()),
                CLOCK);
        assertThat(screener.screen("x" + "a".repeat(32) + "x").findings()).isEqualTo(Map.of(OPERATOR_PATTERN, 1));
        assertThat(screener.screen("aab aab").findings()).isEqualTo(Map.of(OPERATOR_PATTERN, 2));
        assertThat(screener.screen("no match here").clean()).isTrue();
    }

    @Test
    void aRulesFileIsLoadedAndErrorsNameIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.json");
        Files.writeString(file, RULES, StandardCharsets.UTF_8);
        assertThat(ScreeningRules.load(file).hash()).isEqualTo(ScreeningRules.parse(RULES).hash());
        assertThatThrownBy(() -> ScreeningRules.load(dir.resolve("missing.json")))
                .isInstanceOf(ScreeningRulesException.class).hasMessageContaining("missing.json does not exist");
        Files.writeString(file, "{\"version\": 1}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ScreeningRules.load(file)).isInstanceOf(ScreeningRulesException.class)
                .hasMessageContaining("rules.json").hasMessageContaining("\"version\" is missing or not a string");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> ScreeningRules.parse(json)).isInstanceOf(ScreeningRulesException.class)
                .hasMessageContaining(message);
    }

    private static String randomText(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        String alphabet = "abAB";
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static int naiveCount(List<String> terms, String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        int count = 0;
        for (String term : terms.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).distinct().toList()) {
            for (int i = 0; i + term.length() <= lower.length(); i++) {
                if (lower.startsWith(term, i)) {
                    count++;
                }
            }
        }
        return count;
    }
}
