package org.cbec.gateway.testing;

import com.helger.commons.mime.CMimeType;
import com.helger.commons.state.ETriState;
import com.helger.phase4.attachment.AS4OutgoingAttachment;
import com.helger.phase4.crypto.AS4CryptoFactoryInMemoryKeyStore;
import com.helger.phase4.crypto.ECryptoAlgorithmCrypt;
import com.helger.phase4.crypto.ECryptoAlgorithmSign;
import com.helger.phase4.crypto.ECryptoAlgorithmSignDigest;
import com.helger.phase4.crypto.ECryptoKeyEncryptionAlgorithm;
import com.helger.phase4.crypto.IWSSecSignatureCustomizer;
import com.helger.phase4.ebms3header.Ebms3SignalMessage;
import com.helger.phase4.messaging.http.BasicHttpPoster;
import com.helger.phase4.model.EMEP;
import com.helger.phase4.model.EMEPBinding;
import com.helger.phase4.model.pmode.PMode;
import com.helger.phase4.model.pmode.PModeParty;
import com.helger.phase4.model.pmode.PModePayloadService;
import com.helger.phase4.model.pmode.PModeReceptionAwareness;
import com.helger.phase4.model.pmode.leg.EPModeSendReceiptReplyPattern;
import com.helger.phase4.model.pmode.leg.PModeLeg;
import com.helger.phase4.model.pmode.leg.PModeLegBusinessInformation;
import com.helger.phase4.model.pmode.leg.PModeLegErrorHandling;
import com.helger.phase4.model.pmode.leg.PModeLegProtocol;
import com.helger.phase4.model.pmode.leg.PModeLegSecurity;
import com.helger.phase4.sender.AS4Sender;
import com.helger.phase4.sender.EAS4UserMessageSendResult;
import com.helger.phase4.sender.IAS4SignalMessageValidationResultHandler;
import com.helger.phase4.wss.EWSSVersion;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * A partner's AS4 access point: phase4's own sender (a real AS4 client written by someone else) with the eDelivery
 * AS4 profile's PMode built in code (phase4's profile artifacts are not served here): one-way push, SOAP 1.2, WS-Security
 * 1.1, RSA-SHA256 with SHA-256, optional AES-128-GCM with RSA-OAEP to the gateway's certificate, receipts signed and
 * with NonRepudiationInformation. Its receipt check is phase4's: the signature against the gateway CA, the NRR digests
 * against what it sent.
 */
public final class As4Partner {
    public static final String INITIATOR = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator";
    public static final String RESPONDER = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder";
    private static final char[] PASSWORD = "partner-key".toCharArray();
    /** phase4 wants a registered profile by id; its eDelivery profile artifact is not served, so this one stands for it. */
    public static final String PROFILE_ID = "cbec-edelivery";

    private static synchronized void registerProfile() {
        if (com.helger.phase4.mgr.MetaAS4Manager.getProfileMgr().getProfileOfID(PROFILE_ID) == null) {
            com.helger.phase4.mgr.MetaAS4Manager.getProfileMgr()
                    .registerProfile(new com.helger.phase4.profile.AS4Profile(
                            PROFILE_ID,
                            "eDelivery AS4 as the CBEC gateway takes it (test)",
                            () -> null,
                            (initiator, responder, address) -> null,
                            com.helger.phase4.model.pmode.IPModeIDProvider.DEFAULT_DYNAMIC,
                            false,
                            false));
        }
    }

    private final TestPki.Credential signer;
    private final X509Certificate gatewayCa;
    private final X509Certificate gatewayCertificate;
    private String fromPartyId;
    private String toPartyId = "CBEC-GATEWAY";
    private String service = "urn:cbec:gateway:exchange";
    private String action = "Submit";
    private boolean sign = true;
    private boolean encrypt;
    private boolean compress;
    private String messageId;
    private UnaryOperator<byte[]> onTheWire;
    private IWSSecSignatureCustomizer signatureCustomizer;
    private javax.net.ssl.SSLContext tls;

    /** What came back: phase4's verdict, the signal it parsed, and phase4's NRR check of a receipt. */
    public record Sent(EAS4UserMessageSendResult result, Ebms3SignalMessage signal, String nrr, String messageId) {
        public String errorCode() {
            return signal == null || signal.getErrorCount() == 0
                    ? null
                    : signal.getErrorAtIndex(0).getErrorCode();
        }

        public String errorDescription() {
            return signal == null || signal.getErrorCount() == 0
                    ? null
                    : signal.getErrorAtIndex(0).getDescriptionValue();
        }
    }

    public As4Partner(
            TestPki.Credential signer,
            String fromPartyId,
            TestPki.Credential gatewayKey,
            TestPki.Credential gatewayCa) {
        this.signer = signer;
        this.fromPartyId = fromPartyId;
        this.gatewayCa = gatewayCa.certificate();
        this.gatewayCertificate = gatewayKey.certificate();
    }

    public As4Partner from(String partyId) {
        this.fromPartyId = partyId;
        return this;
    }

    public As4Partner to(String partyId) {
        this.toPartyId = partyId;
        return this;
    }

    public As4Partner serviceAndAction(String service, String action) {
        this.service = service;
        this.action = action;
        return this;
    }

    public As4Partner unsigned() {
        this.sign = false;
        return this;
    }

    public As4Partner encrypted() {
        this.encrypt = true;
        return this;
    }

    public As4Partner compressed() {
        this.compress = true;
        return this;
    }

    public As4Partner messageId(String id) {
        this.messageId = id;
        return this;
    }

    /** Alters the request's bytes after phase4 has signed (and encrypted) it, before they go on the wire. */
    public As4Partner onTheWire(UnaryOperator<byte[]> alteration) {
        this.onTheWire = alteration;
        return this;
    }

    /** Sends over HTTPS with this context (the gateway CA trusted, a client certificate if it has one). */
    public As4Partner tls(javax.net.ssl.SSLContext context) {
        this.tls = context;
        return this;
    }

    /** Changes phase4's WS-Security signature before it is computed (to leave a part out, say). */
    public As4Partner signatureCustomizer(IWSSecSignatureCustomizer customizer) {
        this.signatureCustomizer = customizer;
        return this;
    }

    /** Sends the payloads, each an attachment, to the gateway's {@code /as4} and lets phase4 judge the answer. */
    public Sent send(String endpoint, List<byte[]> payloads) {
        registerProfile();
        String id = messageId != null ? messageId : UUID.randomUUID() + "@" + fromPartyId.toLowerCase();
        PMode pmode = pmode(endpoint);
        AtomicReference<Ebms3SignalMessage> signal = new AtomicReference<>();
        AtomicReference<String> nrr = new AtomicReference<>("not checked");
        AS4Sender.BuilderUserMessage builder = AS4Sender.builderUserMessage()
                .cryptoFactory(cryptoFactory())
                .pmode(pmode)
                .messageID(id)
                .service(service)
                .action(action)
                .fromPartyIDType("urn:oasis:names:tc:ebcore:partyid-type:unregistered")
                .fromPartyID(fromPartyId)
                .fromRole(INITIATOR)
                .toPartyIDType("urn:oasis:names:tc:ebcore:partyid-type:unregistered")
                .toPartyID(toPartyId)
                .toRole(RESPONDER)
                .conversationID(UUID.randomUUID().toString())
                .addMessageProperty(com.helger.phase4.model.MessageProperty.builder()
                        .name("originalSender")
                        .value("urn:cbec:original:cn-exporter"))
                .addMessageProperty(com.helger.phase4.model.MessageProperty.builder()
                        .name("finalRecipient")
                        .value("urn:cbec:final:de-customs"))
                .as4ProfileID(PROFILE_ID)
                .incomingProfileSelector(new com.helger.phase4.incoming.IAS4IncomingProfileSelector() {
                    @Override
                    public String getAS4ProfileID(com.helger.phase4.incoming.IAS4IncomingMessageState state) {
                        return PROFILE_ID;
                    }

                    @Override
                    public boolean validateAgainstProfile() {
                        return false;
                    }
                })
                .endpointURL(endpoint)
                .forceMimeMessage(true)
                .signalMsgConsumer((message, metadata, state) -> signal.set(message))
                .signalMsgValidationResultHdl(new IAS4SignalMessageValidationResultHandler() {
                    @Override
                    public void onSuccess() {
                        nrr.set("valid");
                    }

                    @Override
                    public void onError(String error) {
                        nrr.set("invalid: " + error);
                    }

                    @Override
                    public void onNotApplicable() {
                        nrr.set("not applicable");
                    }
                })
                .withSigningParams(params -> {
                    if (sign) {
                        params.setAlgorithmSign(ECryptoAlgorithmSign.RSA_SHA_256)
                                .setAlgorithmSignDigest(ECryptoAlgorithmSignDigest.DIGEST_SHA_256);
                        if (signatureCustomizer != null) {
                            params.setWSSecSignatureCustomizer(signatureCustomizer);
                        }
                    } else {
                        params.setAlgorithmSign(null);
                    }
                })
                .withCryptParams(params -> {
                    if (encrypt) {
                        params.setAlgorithmCrypt(ECryptoAlgorithmCrypt.AES_128_GCM)
                                .setKeyEncAlgorithm(ECryptoKeyEncryptionAlgorithm.RSA_OAEP_XENC11)
                                .setCertificate(gatewayCertificate);
                    } else {
                        params.setAlgorithmCrypt(null);
                    }
                });
        if (tls != null) {
            builder.httpClientFactory(new com.helger.httpclient.HttpClientSettings().setSSLContext(tls));
        }
        if (onTheWire != null) {
            builder.customHttpPoster(new AlteringPoster(onTheWire));
        }
        List<AS4OutgoingAttachment> attachments = new ArrayList<>();
        for (byte[] payload : payloads) {
            AS4OutgoingAttachment.Builder attachment = AS4OutgoingAttachment.builder()
                    .data(payload)
                    .mimeType(
                            payload.length > 0 && payload[0] == '<'
                                    ? CMimeType.APPLICATION_XML
                                    : payload.length > 0 && (payload[0] == '{' || payload[0] == '[')
                                            ? CMimeType.APPLICATION_JSON
                                            : CMimeType.TEXT_PLAIN);
            if (compress) {
                attachment.compressionGZIP();
            }
            attachments.add(attachment.build());
        }
        builder.payload(attachments.get(0));
        for (AS4OutgoingAttachment other : attachments.subList(1, attachments.size())) {
            builder.addAttachment(other);
        }
        EAS4UserMessageSendResult result = builder.sendMessageAndCheckForReceipt();
        return new Sent(result, signal.get(), nrr.get(), id);
    }

    private AS4CryptoFactoryInMemoryKeyStore cryptoFactory() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("partner", signer.key(), PASSWORD, signer.chain().toArray(new X509Certificate[0]));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway-ca", gatewayCa);
            trust.setCertificateEntry("gateway", gatewayCertificate);
            return new AS4CryptoFactoryInMemoryKeyStore(keys, "partner", PASSWORD, trust);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The eDelivery AS4 one-way push PMode (what phase4-profile-cef builds), in code. */
    private PMode pmode(String endpoint) {
        PModeLegSecurity security = new PModeLegSecurity();
        security.setWSSVersion(EWSSVersion.WSS_111);
        if (sign) {
            security.setX509SignatureAlgorithm(ECryptoAlgorithmSign.RSA_SHA_256);
            security.setX509SignatureHashFunction(ECryptoAlgorithmSignDigest.DIGEST_SHA_256);
        }
        if (encrypt) {
            security.setX509EncryptionAlgorithm(ECryptoAlgorithmCrypt.AES_128_GCM);
            security.setX509EncryptionMinimumStrength(128);
        }
        security.setPModeAuthorize(false);
        security.setSendReceipt(true);
        security.setSendReceiptReplyPattern(EPModeSendReceiptReplyPattern.RESPONSE);
        security.setSendReceiptNonRepudiation(true);
        PModeLeg leg = new PModeLeg(
                PModeLegProtocol.createForDefaultSoapVersion(endpoint),
                PModeLegBusinessInformation.create(service, action, null, null),
                PModeLegErrorHandling.createUndefined(),
                null,
                security);
        return new PMode(
                "cbec-" + fromPartyId + "-" + UUID.randomUUID(),
                PModeParty.createSimple(fromPartyId, INITIATOR),
                PModeParty.createSimple(toPartyId, RESPONDER),
                "urn:cbec:agreement",
                EMEP.ONE_WAY,
                EMEPBinding.PUSH,
                leg,
                null,
                compress ? new PModePayloadService(com.helger.phase4.attachment.EAS4CompressionMode.GZIP) : null,
                new PModeReceptionAwareness(ETriState.TRUE, ETriState.FALSE, 0, 0, ETriState.TRUE));
    }

    /** phase4's HTTP poster, with the request's bytes altered after signing: how a message is tampered with in transit. */
    private static final class AlteringPoster extends BasicHttpPoster {
        private final UnaryOperator<byte[]> alteration;

        AlteringPoster(UnaryOperator<byte[]> alteration) {
            this.alteration = alteration;
        }

        @Override
        public <T> T sendGenericMessage(
                String url,
                com.helger.commons.http.HttpHeaderMap headers,
                HttpEntity entity,
                org.apache.hc.core5.http.io.HttpClientResponseHandler<? extends T> handler)
                throws java.io.IOException {
            byte[] bytes;
            try {
                bytes = EntityUtils.toByteArray(entity);
            } catch (java.io.IOException e) {
                throw e;
            }
            String contentType = entity.getContentType();
            HttpEntity altered = new ByteArrayEntity(
                    alteration.apply(bytes), org.apache.hc.core5.http.ContentType.parseLenient(contentType));
            return super.sendGenericMessage(url, headers, altered, handler);
        }
    }
}
