package org.cbec.gateway.signature.as4;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.wss4j.common.ext.Attachment;
import org.apache.wss4j.common.ext.AttachmentRequestCallback;
import org.apache.wss4j.common.ext.AttachmentResultCallback;

/** The attachments for WSS4J: given by Content-ID to verify; replaced by their clear text once decrypted. */
final class WssAttachments implements CallbackHandler {
    private final Map<String, byte[]> content = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> headers = new LinkedHashMap<>();

    WssAttachments(Map<String, As4Request.Attachment> received) {
        received.forEach((id, attachment) -> {
            content.put(id, attachment.body());
            Map<String, String> mime = new LinkedHashMap<>();
            // WSS4J's Attachment-Complete transform reads the headers by their canonical names
            attachment.headers().forEach((name, value) -> mime.put(canonical(name), value));
            headers.put(id, mime);
        });
    }

    Set<String> ids() {
        return headers.keySet();
    }

    byte[] current(String id) {
        return content.get(id);
    }

    String mimeType(String id) {
        return headers.getOrDefault(id, Map.of()).getOrDefault("Content-Type", "application/octet-stream");
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof AttachmentRequestCallback request) {
                List<Attachment> answer = new ArrayList<>();
                String wanted = request.getAttachmentId() == null ? null : As4Mime.unbracket(request.getAttachmentId());
                for (String id : content.keySet()) {
                    if (wanted == null || wanted.equals(id)) {
                        answer.add(attachment(id));
                    }
                }
                request.setAttachments(answer);
            } else if (callback instanceof AttachmentResultCallback result) {
                String id = As4Mime.unbracket(result.getAttachmentId());
                content.put(id, result.getAttachment().getSourceStream().readAllBytes());
                if (result.getAttachment().getMimeType() != null) {
                    headers.computeIfAbsent(id, any -> new LinkedHashMap<>())
                            .put("Content-Type", result.getAttachment().getMimeType());
                }
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    private Attachment attachment(String id) {
        Attachment attachment = new Attachment();
        attachment.setId(id);
        attachment.setMimeType(mimeType(id));
        attachment.addHeaders(headers.getOrDefault(id, Map.of()));
        attachment.setSourceStream(new ByteArrayInputStream(content.get(id)));
        return attachment;
    }

    private static String canonical(String lowerCase) {
        StringBuilder name = new StringBuilder();
        boolean upper = true;
        for (char c : lowerCase.toCharArray()) {
            name.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return name.toString().replace("Content-Id", "Content-ID");
    }
}
