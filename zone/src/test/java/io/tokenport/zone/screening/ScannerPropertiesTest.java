package io.tokenport.zone.screening;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random texts dense with digits, separators and numbers of every kind: the scanner never fails, and its
 * findings keep the properties its design promises. Each failure names its case.
 */
class ScannerPropertiesTest {
    private static final Clock CLOCK = Clock.fixed(LocalDate.of(2026, 11, 28).atStartOfDay()
            .toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    private static final PersonalDataScreener SCREENER = new PersonalDataScreener(ScreeningRules.none(), CLOCK);
    private static final String[] PIECES = {"0", "1", "3", "6", "8", "9", "13812345678", "11010519491231002X",
        "6222021234567894", "91350100M000100Y43", "86", "0086", "62", " ", " ", "-", "+", ".", "x", "X", "a", "_",
        "中", "。", "\u3000", "\u00A0", "\uD83D\uDE00", "\u0663"};

    @Test
    void findingsDoNotDependOnHowDigitsAreTyped() {
        Random random = new Random(1128);
        for (int round = 0; round < 3000; round++) {
            String text = randomText(random);
            ScreeningVerdict ascii = SCREENER.screen(text);
            assertThat(SCREENER.screen(fullWidthDigits(text)).findings()).as("case %d: %s", round, text)
                    .isEqualTo(ascii.findings());
        }
    }

    @Test
    void aCjkCharacterIsAHardBoundary() {
        Random random = new Random(2811);
        for (int round = 0; round < 3000; round++) {
            String left = randomText(random);
            String right = randomText(random);
            ScreeningVerdict whole = SCREENER.screen(left + "中" + right);
            ScreeningVerdict apart = SCREENER.screen(List.of(left, "中" + right));
            assertThat(whole.findings()).as("case %d: %s | %s", round, left, right).isEqualTo(apart.findings());
        }
    }

    @Test
    void aNumberAloneBetweenBoundariesIsFoundWhateverSurroundsIt() {
        Random random = new Random(42);
        for (int round = 0; round < 3000; round++) {
            String around = randomText(random);
            String text = around + "。13812345678，" + around;
            assertThat(SCREENER.screen(text).count(PersonalDataKind.MOBILE)).as("case %d: %s", round, text)
                    .isGreaterThanOrEqualTo(1);
        }
    }

    private static String randomText(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static String fullWidthDigits(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= '0' && c <= '9' ? (char) (c - '0' + '\uFF10') : c);
        }
        return sb.toString();
    }
}
