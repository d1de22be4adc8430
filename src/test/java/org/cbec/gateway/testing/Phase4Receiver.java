package org.cbec.gateway.testing;

import com.helger.commons.collection.impl.CommonsArrayList;
import com.helger.commons.collection.impl.ICommonsList;
import com.helger.commons.http.EHttpMethod;
import com.helger.commons.http.HttpHeaderMap;
import com.helger.commons.state.ETriState;
import com.helger.phase4.attachment.WSS4JAttachment;
import com.helger.phase4.crypto.AS4CryptoFactoryInMemoryKeyStore;
import com.helger.phase4.crypto.ECryptoAlgorithmCrypt;
import com.helger.phase4.crypto.ECryptoAlgorithmSign;
import com.helger.phase4.crypto.ECryptoAlgorithmSignDigest;
import com.helger.phase4.ebms3header.Ebms3Error;
import com.helger.phase4.ebms3header.Ebms3Property;
import com.helger.phase4.ebms3header.Ebms3SignalMessage;
import com.helger.phase4.ebms3header.Ebms3UserMessage;
import com.helger.phase4.incoming.IAS4IncomingMessageMetadata;
import com.helger.phase4.incoming.IAS4IncomingMessageState;
import com.helger.phase4.incoming.IAS4IncomingProfileSelector;
import com.helger.phase4.incoming.spi.AS4MessageProcessorResult;
import com.helger.phase4.incoming.spi.AS4SignalMessageProcessorResult;
import com.helger.phase4.incoming.spi.IAS4IncomingMessageProcessorSPI;
import com.helger.phase4.model.EMEP;
import com.helger.phase4.model.EMEPBinding;
import com.helger.phase4.model.error.EEbmsError;
import com.helger.phase4.model.pmode.IPMode;
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
import com.helger.phase4.servlet.AS4UnifiedResponse;
import com.helger.phase4.servlet.AS4XServletHandler;
import com.helger.phase4.servlet.IAS4ServletRequestHandlerCustomizer;
import com.helger.phase4.wss.EWSSVersion;
import com.helger.scope.mgr.ScopeManager;
import com.helger.web.scope.IRequestWebScopeWithoutResponse;
import com.helger.web.scope.mgr.WebScopeManager;
import com.helger.xservlet.AbstractXServlet;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A partner's AS4 access point that receives: phase4's own receiving side (its {@code AS4XServletHandler} on ph-xservlet,
 * a real AS4 implementation written by someone else) in Jetty 12 ee10, with the partner's key, the gateway's CA and
 * certificate as its trust, and the eDelivery one-way push PMode built in code (phase4's profile artifacts are not served).
 * phase4 decrypts, verifies the signature, decompresses, hands the payload to the processor below, and answers with its
 * signed eb:Receipt with NonRepudiationInformation, or, when told to, with an eb:Error.
 */
public final class Phase4Receiver implements AutoCloseable {
    private static final char[] PASSWORD = "partner-key".toCharArray();

    /** One UserMessage phase4 took: what it says and the payload in clear, and whether phase4 checked a signature and decrypted. */
    public record Received(
            String messageId,
            String fromPartyId,
            String toPartyId,
            String service,
            String action,
            Map<String, String> properties,
            String mimeType,
            byte[] payload,
            boolean signatureChecked,
            boolean decrypted,
            X509Certificate signer) {}

    private final TestPki.Credential partnerKey;
    private final X509Certificate gatewayCa;
    private final X509Certificate gatewayCertificate;
    private final String partyId;
    private final String service;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean erroring;
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    public Phase4Receiver(
            TestPki.Credential partnerKey,
            X509Certificate gatewayCa,
            X509Certificate gatewayCertificate,
            String partyId,
            String service) {
        this.partnerKey = partnerKey;
        this.gatewayCa = gatewayCa;
        this.gatewayCertificate = gatewayCertificate;
        this.partyId = partyId;
        this.service = service;
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                // phase4's servlet runs in ph-scopes' global web scope, which must be open before the servlet is built.
                // One per
                // JVM, kept open.
                // A plain global scope (phase4's sender in another test of this JVM) is not enough: it has no servlet
                // context.
                if (!(ScopeManager.getGlobalScopeOrNull() instanceof com.helger.web.scope.IGlobalWebScope)) {
                    if (ScopeManager.isGlobalScopePresent()) {
                        // Ending it makes phase4 clean WSS4J up (its providers, Santuario's SwA transforms): set them
                        // up again.
                        ScopeManager.onGlobalEnd();
                        org.apache.wss4j.dom.engine.WSSConfig.init();
                        if (java.security.Security.getProvider("ApacheXMLDSig") == null) {
                            java.security.Security.addProvider(new org.apache.jcp.xml.dsig.internal.dom.XMLDSigRI());
                        }
                    }
                    WebScopeManager.onGlobalBegin(event.getServletContext());
                }
            }
        });
        ServletHolder holder = new ServletHolder("phase4", new Lazily(this));
        holder.setInitOrder(-1);
        context.addServlet(holder, "/as4");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("phase4's receiver does not start", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/as4";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every UserMessage phase4 got as far as the processor (taken or answered with an error). */
    public int attempts() {
        return attempts.get();
    }

    /** While set, the processor refuses every message: phase4 answers with an eb:Error (EBMS:0004, failure). */
    public void erroring(boolean on) {
        this.erroring = on;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds phase4's servlet at init, once the context listener has opened the global scope its constructor needs. */
    private static final class Lazily extends jakarta.servlet.http.HttpServlet {
        private final transient Phase4Receiver partner;
        private transient Receiver phase4;

        Lazily(Phase4Receiver partner) {
            this.partner = partner;
        }

        @Override
        public void init(jakarta.servlet.ServletConfig config) throws jakarta.servlet.ServletException {
            super.init(config);
            phase4 = new Receiver(partner);
            phase4.init(config);
        }

        @Override
        public void service(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response)
                throws jakarta.servlet.ServletException, IOException {
            phase4.service(request, response);
        }

        @Override
        public void destroy() {
            if (phase4 != null) {
                phase4.destroy();
            }
        }
    }

    /** phase4's AS4 servlet (what its AS4Servlet is), with this partner's crypto, PMode and processor set on each request's handler. */
    private static final class Receiver extends AbstractXServlet {
        private final transient Phase4Receiver partner;

        Receiver(Phase4Receiver partner) {
            this.partner = partner;
        }

        @Override
        public void init() throws jakarta.servlet.ServletException {
            super.init();
            handlerRegistry()
                    .registerHandler(
                            EHttpMethod.POST,
                            new AS4XServletHandler()
                                    .setRequestHandlerCustomizer(new IAS4ServletRequestHandlerCustomizer() {
                                        @Override
                                        public void customizeBeforeHandling(
                                                IRequestWebScopeWithoutResponse scope,
                                                AS4UnifiedResponse response,
                                                com.helger.phase4.incoming.AS4RequestHandler handler) {
                                            partner.configure(handler);
                                        }

                                        @Override
                                        public void customizeAfterHandling(
                                                IRequestWebScopeWithoutResponse scope,
                                                AS4UnifiedResponse response,
                                                com.helger.phase4.incoming.AS4RequestHandler handler) {}
                                    }));
        }
    }

    private void configure(com.helger.phase4.incoming.AS4RequestHandler handler) {
        handler.setCryptoFactory(cryptoFactory());
        PMode pmode = pmode();
        handler.setPModeResolver((pmodeId, service, action, initiator, responder, agreement, address) -> pmode);
        handler.setIncomingProfileSelector(new IAS4IncomingProfileSelector() {
            @Override
            public String getAS4ProfileID(IAS4IncomingMessageState state) {
                return null;
            }

            @Override
            public boolean validateAgainstProfile() {
                return false;
            }
        });
        handler.setProcessorSupplier(() -> new CommonsArrayList<>(new Processor()));
    }

    /** What the partner's business side does with a message phase4 has verified and decrypted. */
    private final class Processor implements IAS4IncomingMessageProcessorSPI {
        @Override
        public AS4MessageProcessorResult processAS4UserMessage(
                IAS4IncomingMessageMetadata metadata,
                HttpHeaderMap headers,
                Ebms3UserMessage message,
                IPMode pmode,
                org.w3c.dom.Node payload,
                ICommonsList<WSS4JAttachment> attachments,
                IAS4IncomingMessageState state,
                ICommonsList<Ebms3Error> errors) {
            attempts.incrementAndGet();
            if (erroring) {
                errors.add(EEbmsError.EBMS_OTHER
                        .errorBuilder(Locale.ROOT)
                        .refToMessageInError(message.getMessageInfo().getMessageId())
                        .errorDetail("the partner's back office is down (test)")
                        .build());
                return AS4MessageProcessorResult.createFailure();
            }
            Map<String, String> properties = new LinkedHashMap<>();
            if (message.getMessageProperties() != null) {
                for (Ebms3Property property : message.getMessageProperties().getProperty()) {
                    properties.put(property.getName(), property.getValue());
                }
            }
            WSS4JAttachment attachment = attachments.getFirstOrNull();
            byte[] content;
            try (InputStream in = attachment.getSourceStream()) {
                content = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            received.add(new Received(
                    message.getMessageInfo().getMessageId(),
                    message.getPartyInfo().getFrom().getPartyIdAtIndex(0).getValue(),
                    message.getPartyInfo().getTo().getPartyIdAtIndex(0).getValue(),
                    message.getCollaborationInfo().getService().getValue(),
                    message.getCollaborationInfo().getAction(),
                    properties,
                    attachment.getUncompressedMimeType(),
                    content,
                    state.isSoapSignatureChecked(),
                    state.isSoapDecrypted(),
                    state.getSigningCertificate()));
            return AS4MessageProcessorResult.createSuccess();
        }

        @Override
        public AS4SignalMessageProcessorResult processAS4SignalMessage(
                IAS4IncomingMessageMetadata metadata,
                HttpHeaderMap headers,
                Ebms3SignalMessage message,
                IPMode pmode,
                IAS4IncomingMessageState state,
                ICommonsList<Ebms3Error> errors) {
            return AS4SignalMessageProcessorResult.createSuccess();
        }

        @Override
        public void processAS4ResponseMessage(
                IAS4IncomingMessageMetadata metadata,
                IAS4IncomingMessageState state,
                String messageId,
                byte[] response,
                boolean wrappedInMime) {}
    }

    private AS4CryptoFactoryInMemoryKeyStore cryptoFactory() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(
                    "partner", partnerKey.key(), PASSWORD, partnerKey.chain().toArray(new X509Certificate[0]));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway-ca", gatewayCa);
            trust.setCertificateEntry("gateway", gatewayCertificate);
            return new AS4CryptoFactoryInMemoryKeyStore(keys, "partner", PASSWORD, trust);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The eDelivery AS4 one-way push PMode as the responder sees it: signed, optionally encrypted, gzip, signed receipts with NRR. */
    private PMode pmode() {
        PModeLegSecurity security = new PModeLegSecurity();
        security.setWSSVersion(EWSSVersion.WSS_111);
        security.setX509SignatureAlgorithm(ECryptoAlgorithmSign.RSA_SHA_256);
        security.setX509SignatureHashFunction(ECryptoAlgorithmSignDigest.DIGEST_SHA_256);
        security.setX509EncryptionAlgorithm(ECryptoAlgorithmCrypt.AES_128_GCM);
        security.setX509EncryptionMinimumStrength(128);
        security.setPModeAuthorize(false);
        security.setSendReceipt(true);
        security.setSendReceiptReplyPattern(EPModeSendReceiptReplyPattern.RESPONSE);
        security.setSendReceiptNonRepudiation(true);
        PModeLeg leg = new PModeLeg(
                PModeLegProtocol.createForDefaultSoapVersion(url()),
                PModeLegBusinessInformation.create(service, "Deliver", null, null),
                PModeLegErrorHandling.createUndefined(),
                null,
                security);
        return new PMode(
                "cbec-outbound-" + partyId,
                PModeParty.createSimple("CBEC-GATEWAY", As4Partner.INITIATOR),
                PModeParty.createSimple(partyId, As4Partner.RESPONDER),
                "urn:cbec:agreement",
                EMEP.ONE_WAY,
                EMEPBinding.PUSH,
                leg,
                null,
                new PModePayloadService(com.helger.phase4.attachment.EAS4CompressionMode.GZIP),
                new PModeReceptionAwareness(ETriState.TRUE, ETriState.TRUE, 0, 0, ETriState.TRUE));
    }
}
