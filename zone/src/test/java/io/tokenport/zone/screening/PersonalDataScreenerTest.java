package io.tokenport.zone.screening;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.tokenport.zone.screening.PersonalDataKind.BANK_CARD;
import static io.tokenport.zone.screening.PersonalDataKind.CREDIT_CODE;
import static io.tokenport.zone.screening.PersonalDataKind.MOBILE;
import static io.tokenport.zone.screening.PersonalDataKind.RESIDENT_ID;
import static org.assertj.core.api.Assertions.assertThat;

/** Where the built-in detectors find numbers in text, and where they must not. */
class PersonalDataScreenerTest {
    private static final Clock CLOCK = Clock.fixed(LocalDate.of(2026, 11, 28).atStartOfDay()
            .toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    private static final PersonalDataScreener SCREENER = new PersonalDataScreener(ScreeningRules.none(), CLOCK);

    private static final String ID = "11010519491231002X";
    private static final String MOBILE_NUMBER = "13812345678";
    private static final String CARD = "6222021234567894";
    private static final String CODE = "91350100M000100Y43";

    @Test
    void numbersInsideProseWithoutSpacesAreFound() {
        assertFound("身份证号" + ID + "，请核对。", RESIDENT_ID);
        assertFound("我的手机是" + MOBILE_NUMBER + "谢谢", MOBILE);
        assertFound("お客様の番号は" + CARD + "です。", BANK_CARD);
        assertFound("제 번호는" + MOBILE_NUMBER + "입니다", MOBILE);
        assertFound("رقم:" + MOBILE_NUMBER + "، شكرا", MOBILE);
        assertFound("统一社会信用代码" + CODE + "。", CREDIT_CODE);
        assertFound("My ID is " + ID + ".", RESIDENT_ID);
        assertFound(MOBILE_NUMBER, MOBILE);
    }

    @Test
    void fullWidthAndNonLatinDigitsAreFolded() {
        assertFound("电话：１３８１２３４５６７８。", MOBILE);
        assertFound("证件号１１０１０５１９４９１２３１００２Ｘ", RESIDENT_ID);
        assertFound("代码９１３５０１００Ｍ０００１００Ｙ４３", CREDIT_CODE);
        assertFound("رقم الهاتف ١٣٨١٢٣٤٥٦٧٨ شكرا", MOBILE);
        assertFound("شماره ۱۳۸۱۲۳۴۵۶۷۸", MOBILE);
        assertFound("电话：＋８６　１３８　１２３４　５６７８", MOBILE);
    }

    @Test
    void numbersInsideLongerDigitRunsAreNot() {
        assertClean("order 20240101123456789012345");
        assertClean("1" + MOBILE_NUMBER);
        assertClean(MOBILE_NUMBER + "0");
        assertClean("9" + ID);
        assertClean(CARD + "12345");
        assertClean("订单号" + "20" + ID + "。");
    }

    @Test
    void numbersGluedToLatinLettersAreIdentifiersNotNumbers() {
        assertClean("user" + MOBILE_NUMBER);
        assertClean("IMG_" + MOBILE_NUMBER + ".jpg");
        assertClean("a" + CARD + "f0e9");
        assertClean("X" + CODE);
    }

    @Test
    void aDotBetweenDigitsJoinsThemIntoOneNumber() {
        assertClean("pi = 3." + MOBILE_NUMBER);
        assertClean("ratio 0." + CARD);
        assertFound("Call " + MOBILE_NUMBER + ". Thanks", MOBILE);
    }

    @Test
    void mobileNumbersAreFoundInTheirUsualWritings() {
        for (String written : new String[] {"138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
            "+86-138-1234-5678", "+8613812345678", "+86 13812345678", "8613812345678", "008613812345678",
            "0086 13812345678", "0086 138 1234 5678", "86-138-1234-5678", "(+86) 13812345678",
            "138\u00A01234\u00A05678", "138\u30001234\u30005678", "138\u20131234\u20135678"}) {
            assertFound("电话 " + written + " 谢谢", MOBILE);
        }
    }

    @Test
    void foreignPhoneNumbersAreNotMainlandMobiles() {
        for (String foreign : new String[] {"+14155552671", "+1 415 555 2671", "+1-415-555-2671", "+13812345678",
            "+65 6123 4567", "+6591234567", "+44 20 7946 0958", "+447911123456", "+81 90-1234-5678",
            "090-1234-5678", "+852 9123 4567", "+886 912 345 678", "+61 412 345 678", "+65 138 1234 5678",
            "+1 13812345678"}) {
            assertClean("Call me on " + foreign + " tomorrow.");
        }
    }

    @Test
    void mobileLookalikesAreNotMobiles() {
        assertClean("12345678901");
        assertClean("10012345678");
        assertClean("138 1234 567");
        assertClean("1381 234 5678");
    }

    @Test
    void identityNumbersAndCardsAreFoundGrouped() {
        assertFound("ID 110105 19491231 002X.", RESIDENT_ID);
        assertFound("ID 110105 1949 1231 002x.", RESIDENT_ID);
        assertFound("ID 110105-19491231-002X.", RESIDENT_ID);
        assertFound("card 6222 0212 3456 7894 please", BANK_CARD);
        assertFound("card 6222-0212-3456-7894 please", BANK_CARD);
        String nineteen = "622202123456789012";
        String card19 = nineteen + BankCardNumber.luhnCheckDigit(nineteen);
        assertFound("card " + card19.substring(0, 4) + " " + card19.substring(4, 8) + " " + card19.substring(8, 12)
                + " " + card19.substring(12, 16) + " " + card19.substring(16) + " please", BANK_CARD);
    }

    @Test
    void aGroupedWritingIsNeverTakenOutOfALongerSequence() {
        // The first 16 digits are a valid card; the 19 are not: the sequence is one 19-digit number.
        String longer = CARD + "123";
        assertThat(BankCardNumber.isValid(longer)).isFalse();
        assertClean("card 6222 0212 3456 7894 123 please");
        assertClean("ref 2024 138 1234 5678 end");
        assertClean("1 2 3 4 5 6 7 8 138 1234 5678");
        // A whole word keeps its own boundaries inside a sequence, also past the eighth word.
        assertFound("2024 " + MOBILE_NUMBER + " 1", MOBILE);
        assertFound("1 2 3 4 5 6 7 8 9 10 " + MOBILE_NUMBER + " 11 12", MOBILE);
        assertFound("1-2-3-4-5-6-7-8-9-" + ID, RESIDENT_ID);
        assertClean("+1 2 3 4 5 6 7 8 9 10 " + MOBILE_NUMBER);
    }

    @Test
    void numbersFromOtherContextsAreNotPersonalData() {
        assertClean("ISBN 978-7-111-54742-6");
        assertClean("ISBN 9787111547426 and ISBN-13: 979-10-90636-07-1");
        assertClean("at 1732780800000 (ms) or 1732780800 (s), 20241128153045, 2024-11-28T15:30:45Z");
        assertClean("SF1234567890123, YT7509812345678, JDVA12345678901, EA123456789CN, 1Z999AA10123456784");
        assertClean("uuid 12345678-1234-1234-1234-123456789012, sha1 3f786850e387550fdab836ed7e6dc881de23001b");
        assertClean("Visa 4111111111111111, Mastercard 5555555555554444");
        assertClean("价格 ¥1380.50，数量 13 件，2024年11月28日");
    }

    @Test
    void findingsAreCountedPerKind() {
        ScreeningVerdict verdict = SCREENER.screen("联系人：" + MOBILE_NUMBER + "、13912345678，证件" + ID
                + "，卡号" + CARD + "。");
        assertThat(verdict.findings()).isEqualTo(Map.of(MOBILE, 2, RESIDENT_ID, 1, BANK_CARD, 1));
        assertThat(verdict.refused()).isTrue();
    }

    @Test
    void textsOfOneRequestAreScreenedSeparately() {
        assertThat(SCREENER.screen(List.of("call 1381234", "5678 now")).clean()).isTrue();
        ScreeningVerdict both = SCREENER.screen(List.of("a " + MOBILE_NUMBER, "b " + ID));
        assertThat(both.findings()).isEqualTo(Map.of(MOBILE, 1, RESIDENT_ID, 1));
    }

    @Test
    void birthDatesAreJudgedByTheInjectedClock() {
        String first17 = "110105" + "20261201" + "002";
        String born = first17 + ResidentIdNumber.checkCharacter(first17);
        assertThat(SCREENER.screen("id " + born).clean()).as("born after the clock's today").isTrue();
        PersonalDataScreener later = new PersonalDataScreener(ScreeningRules.none(),
                Clock.fixed(LocalDate.of(2027, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC));
        assertThat(later.screen("id " + born).kinds()).containsExactly(RESIDENT_ID);
    }

    @Test
    void emptyAndNumberFreeTextIsClean() {
        assertClean("");
        assertClean("Hello, world. 你好，世界。");
        assertClean("+");
        assertClean("-- - -- 1 -");
    }

    private static void assertFound(String text, PersonalDataKind kind) {
        assertThat(SCREENER.screen(text).findings()).as(text).isEqualTo(Map.of(kind, 1));
    }

    private static void assertClean(String text) {
        assertThat(SCREENER.screen(text).findings()).as(text).isEmpty();
    }
}
