package org.cbec.gateway.translate;

/**
 * {@code edifact-cuscar}: a UN/EDIFACT interchange of CUSCAR cargo reports (directory D.01B or later), one
 * canonical {@code ECOM_SHIPMENT} record per house consignment (consignment group {@code CNI}). Read with
 * StAEDI (see {@link EdifactInterchange} for the syntax: {@code UNA}, release characters, character sets
 * UNOA/UNOB/UNOC/UNOW/UNOY, control counts). Several messages may share the interchange; all must be
 * CUSCAR. EdifactErrors are located as {@code segment N (TAG), element E, component C}; every one is reported and
 * any error makes the whole document invalid.
 *
 * <p>What is read (element positions as in the directory; a qualifier not listed is ignored):
 * <table>
 * <caption>CUSCAR to ECOM_SHIPMENT</caption>
 * <tr><th>field</th><th>from</th></tr>
 * <tr><td>houseTransportDocId</td><td>{@code RFF+BH:<id>} in the CNI group (required, once per interchange);
 *     {@code recordId} is partner id {@code :} house bill</td></tr>
 * <tr><td>masterTransportDocId</td><td>{@code RFF+MB:<id>} in the CNI group, else in the message header</td></tr>
 * <tr><td>orderId</td><td>{@code RFF+ON:<id>} (order number, buyer) in the CNI group</td></tr>
 * <tr><td>platformId</td><td>party id of {@code NAD+ZZZ} (mutually defined party: the e-commerce platform,
 *     for which UN/EDIFACT has no party code) in the CNI group</td></tr>
 * <tr><td>seller</td><td>{@code NAD+CZ} (consignor) in the CNI group: name C080 (its components joined with
 *     a space, required), street C059 (joined likewise), city 3164, postcode 3251, country 3207 (ISO
 *     3166-1 alpha-2, required). The party id C082/3039 is the AEO id when its code list agency 3055 is
 *     empty or {@code ZZZ} (mutually defined); with any other agency (a GLN, a DUNS number) it is not an
 *     AEO id and is not read. An {@code RFF+FC} (fiscal number) after the NAD (CTA, COM and DTM may stand
 *     between) gives the party's tin; after the NAD of another party it is not read.</td></tr>
 * <tr><td>buyer</td><td>{@code NAD+CN} (consignee), read as the seller</td></tr>
 * <tr><td>items</td><td>each {@code GID} group: seq from GID 1496; description from {@code FTX+AAA} C108
 *     (components, and repeated FTX+AAA, joined with a space); hsCode from the {@code PIA} C212 whose
 *     item type 7143 is {@code HS} (6 to 10 digits); quantity and unit from {@code QTY+1} (discrete
 *     quantity) 6060/6411, else from GID C213 number of packages 7224 and package type 7065; grossMassKg
 *     from {@code MEA+AAE+G+KGM:<mass>} (unit KGM required); value and currency from {@code MOA+38}
 *     (invoice item amount) 5004/6345 (ISO 4217, one currency per consignment); originCountry from
 *     {@code LOC+27}</td></tr>
 * <tr><td>exportCountry, destinationCountry</td><td>{@code LOC+35} (exportation country) and {@code LOC+28}
 *     (country of destination) in the CNI group, else in the message header</td></tr>
 * <tr><td>transportMode</td><td>{@code TDT+20} (main carriage) C220/8067, a Recommendation 19 code 1 to 5,
 *     in the CNI group, else in the message header</td></tr>
 * </table>
 * "In the CNI group" means after CNI and before its first GID. Decimals are kept exact as sent, the decimal
 * mark turned into a point. Structure checked beyond StAEDI's: BGM right after UNH, tags of the CUSCAR
 * segment index only, goods-item segments ({@code PIA} and the like) only after a GID, GID only after a CNI,
 * the consignment references and parties above not inside goods items.
 *
 * <p>The work is shared by {@link CuscarSegments} (where each segment stands), {@link CuscarElements} (the value of
 * each element), {@link CuscarRecords} (what a finished group lacks, and its record) and {@link CuscarDrafts}.
 */
public final class EdifactCuscarTranslator implements Translator {

    /** The message type of UNH S009 0065. */
    public static final String MESSAGE_TYPE = "CUSCAR";

    @Override
    public DocumentFormat format() {
        return DocumentFormat.EDIFACT_CUSCAR;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        EdifactErrors errors = new EdifactErrors();
        EdifactInterchange interchange = new EdifactInterchange(document, errors);
        CuscarSegments messages = new CuscarSegments(interchange, errors, context.source(format()));
        if (interchange.read(messages) && messages.records().isEmpty() && errors.isEmpty()) {
            errors.add(Integer.MAX_VALUE, "document", "holds no consignment (CNI)");
        }
        return errors.isEmpty()
                ? new Translation.Records(format(), messages.records())
                : new Translation.Invalid(format(), errors.sorted());
    }
}
