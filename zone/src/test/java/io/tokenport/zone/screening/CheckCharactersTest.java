package io.tokenport.zone.screening;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check character algorithms and plausibility rules, pinned on examples worked out by hand. */
class CheckCharactersTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 28);

    @Test
    void residentIdCheckCharacterIsIso7064Mod11_2() {
        // 110105 19491231 002 -> X. Digits times weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
        //   1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3 + 1*7 + 2*9 + 3*10 + 1*5 + 0*8 + 0*4 + 2*2
        //   = 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167;
        //   167 mod 11 = 2, and remainder 2 maps to X in 1 0 X 9 8 7 6 5 4 3 2.
        assertThat(ResidentIdNumber.checkCharacter("11010519491231002")).isEqualTo('X');
        // 320106 19900307 123: 21+18+0+5+0+24+2+9+54+0+0+27+0+35+8+8+6 = 217; 217 mod 11 = 8 -> 4.
        assertThat(ResidentIdNumber.checkCharacter("32010619900307123")).isEqualTo('4');
        assertThat(ResidentIdNumber.isValid("11010519491231002X", TODAY)).isTrue();
        assertThat(ResidentIdNumber.isValid("11010519491231002x", TODAY)).as("lower-case x").isTrue();
        assertThat(ResidentIdNumber.isValid("320106199003071234", TODAY)).isTrue();
        assertThat(ResidentIdNumber.isValid("320106199003071235", TODAY)).as("wrong check digit").isFalse();
        assertThat(ResidentIdNumber.isValid("110105194912310020", TODAY)).as("0 instead of X").isFalse();
    }

    @Test
    void residentIdBirthDateMustExistAndNotLieInTheFuture() {
        assertThat(validId("20000229")).as("2000 is a leap year").isTrue();
        assertThat(validId("19000229")).as("1900 is not").isFalse();
        assertThat(validId("20230229")).isFalse();
        assertThat(validId("19900431")).as("April has 30 days").isFalse();
        assertThat(validId("19901301")).isFalse();
        assertThat(validId("19900100")).isFalse();
        assertThat(validId("18991231")).as("before 1900").isFalse();
        assertThat(validId("19000101")).isTrue();
        assertThat(validId("20261128")).as("born today").isTrue();
        assertThat(validId("20261129")).as("born tomorrow").isFalse();
    }

    @Test
    void residentIdAreaMustBeAProvinceAndAPlausibleResidence() {
        assertThat(validIdInArea("110105")).isTrue();
        assertThat(validIdInArea("650102")).isTrue();
        assertThat(validIdInArea("810000")).as("Hong Kong resident's permit").isTrue();
        assertThat(validIdInArea("820000")).as("Macao resident's permit").isTrue();
        assertThat(validIdInArea("830000")).as("Taiwan resident's permit").isTrue();
        assertThat(validIdInArea("810100")).as("permits carry the bare region code").isFalse();
        assertThat(validIdInArea("110000")).as("a bare mainland province is no residence").isFalse();
        for (String notAProvince : new String[] {"000101", "100101", "160101", "240101", "380101", "470101",
            "550101", "600101", "660101", "700101", "720101", "840101", "990101"}) {
            assertThat(validIdInArea(notAProvince)).as(notAProvince).isFalse();
        }
    }

    @Test
    void creditCodeCheckCharacterIsGb32100() {
        // 91350100M000100Y4 -> 3. Values (M = 21, Y = 30 in 0-9A-HJ-NPQRTUWXY) times weights 3^i mod 31
        // (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28):
        //   9*1 + 1*3 + 3*9 + 5*27 + 0 + 1*26 + 0 + 0 + 21*20 + 0 + 0 + 0 + 1*8 + 0 + 0 + 30*30 + 4*28
        //   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28; (31 - 28) mod 31 = 3.
        assertThat(CreditCode.checkCharacter("91350100M000100Y4")).isEqualTo('3');
        // Its organisation code M000100Y-4 (GB 11714: M = 22, Y = 34, weights 3 7 9 10 5 8 4 2):
        //   22*3 + 1*5 + 34*2 = 139; 139 mod 11 = 7; 11 - 7 = 4.
        assertThat(CreditCode.organisationCheckCharacter("91350100M000100Y43")).isEqualTo('4');
        assertThat(CreditCode.isValid("91350100M000100Y43")).isTrue();
        // Codes printed on the public business licences of two large companies.
        assertThat(CreditCode.isValid("914403001922038216")).isTrue();
        assertThat(CreditCode.isValid("91440300708461136T")).isTrue();
        // A central body registers under 100000.
        assertThat(CreditCode.isValid("11100000000013127D")).isTrue();
    }

    @Test
    void creditCodeLookalikesAreRefused() {
        assertThat(CreditCode.isValid("91350100M000100Y44")).as("final check").isFalse();
        String badOrganisationCheck = "91350100M000100Y5";
        assertThat(CreditCode.isValid(badOrganisationCheck + CreditCode.checkCharacter(badOrganisationCheck)))
                .as("organisation code check").isFalse();
        assertThat(CreditCode.isValid("91350100m000100y43")).as("lower case").isFalse();
        String unknownAuthority = "01350100M000100Y4";
        assertThat(CreditCode.isValid(unknownAuthority + CreditCode.checkCharacter(unknownAuthority))).isFalse();
        String notAProvince = "91990100M000100Y4";
        assertThat(CreditCode.isValid(notAProvince + CreditCode.checkCharacter(notAProvince))).isFalse();
        assertThat(CreditCode.isValid("91350100M0001O0Y43")).as("O is not in the alphabet").isFalse();
        assertThatThrownBy(() -> CreditCode.checkCharacter("91350100M0001I0Y4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("character 14");
    }

    @Test
    void bankCardIsLuhnValidUnionPay() {
        // 622202123456789 -> 4. Doubling every second digit from the right of the payload:
        //   9->18->9, 8, 7->14->5, 6, 5->10->1, 4, 3->6, 2, 1->2, 2, 0->0, 2, 2->4, 2, 6->12->3;
        //   9+8+5+6+1+4+6+2+2+2+0+2+4+2+3 = 56; (10 - 56 mod 10) mod 10 = 4.
        assertThat(BankCardNumber.luhnCheckDigit("622202123456789")).isEqualTo('4');
        assertThat(BankCardNumber.isValid("6222021234567894")).isTrue();
        assertThat(BankCardNumber.isValid("6222021234567895")).isFalse();
        assertThat(BankCardNumber.isValid("6200000000000005")).as("a published UnionPay test number").isTrue();
        assertThat(BankCardNumber.isValid("4111111111111111")).as("Visa: Luhn-valid, not UnionPay").isFalse();
        String nineteen = "622202123456789012";
        assertThat(BankCardNumber.isValid(nineteen + BankCardNumber.luhnCheckDigit(nineteen))).isTrue();
        String fifteen = "62220212345678";
        assertThat(BankCardNumber.isValid(fifteen + BankCardNumber.luhnCheckDigit(fifteen))).as("too short").isFalse();
    }

    @Test
    void mobileNumberStartsWith13To19() {
        assertThat(MobileNumber.isValid("13812345678")).isTrue();
        assertThat(MobileNumber.isValid("19912345678")).isTrue();
        assertThat(MobileNumber.isValid("12345678901")).isFalse();
        assertThat(MobileNumber.isValid("23812345678")).isFalse();
        assertThat(MobileNumber.isValid("1381234567")).isFalse();
    }

    private static boolean validId(String ymd) {
        String first17 = "110105" + ymd + "002";
        return ResidentIdNumber.isValid(first17 + ResidentIdNumber.checkCharacter(first17), TODAY);
    }

    private static boolean validIdInArea(String area) {
        String first17 = area + "19850612" + "004";
        return ResidentIdNumber.isValid(first17 + ResidentIdNumber.checkCharacter(first17), TODAY);
    }
}
