package io.tokenport.zone.screening;

/**
 * The kinds of domestic personal information the zone refuses. The zone's exemption from the cross-border data
 * rules holds only while no domestic personal information enters it, so each kind is a reason to refuse a request.
 * A refusal names the kinds and how many of each were found, never the matched text.
 */
public enum PersonalDataKind {
    /** A PRC resident identity number (GB 11643-1999), or a residence permit number for HK, Macao, Taiwan. */
    RESIDENT_ID("a PRC resident identity number", "PRC resident identity numbers"),
    /** A unified social credit code (GB 32100-2015) of an organisation registered in the PRC. */
    CREDIT_CODE("a unified social credit code", "unified social credit codes"),
    /** A mainland China mobile phone number. */
    MOBILE("a mainland China mobile number", "mainland China mobile numbers"),
    /** A UnionPay bank card number. */
    BANK_CARD("a UnionPay bank card number", "UnionPay bank card numbers"),
    /** Text matching one of the operator's configured patterns. */
    OPERATOR_PATTERN("text matching an operator screening pattern", "texts matching operator screening patterns"),
    /** One of the operator's configured terms. */
    OPERATOR_TERM("an operator screening term", "operator screening terms");

    private final String one;
    private final String many;

    PersonalDataKind(String one, String many) {
        this.one = one;
        this.many = many;
    }

    /** How a refusal message names {@code count} findings of this kind, e.g. "2 mainland China mobile numbers". */
    public String describe(int count) {
        return count == 1 ? one : count + " " + many;
    }
}
