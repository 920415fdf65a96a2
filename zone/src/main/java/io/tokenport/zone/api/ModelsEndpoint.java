package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.zone.models.ModelDeployment;
import io.tokenport.zone.models.ServedModel;

import java.io.IOException;
import java.util.Map;

/** {@code GET /v1/models} and {@code GET /v1/models/{model}}. */
final class ModelsEndpoint {
    private final BearerAuth auth;
    private final Map<String, ModelDeployment> models;
    private final JsonFactory factory;
    private final Replies replies;

    ModelsEndpoint(BearerAuth auth, Map<String, ModelDeployment> models, JsonFactory factory, Replies replies) {
        this.replies = replies;
        this.auth = auth;
        this.models = models;
        this.factory = factory;
    }

    void list(ServerRequest req, ServerResponse res) {
        var exchange = replies.begin(req);
        try {
            exchange.tenant(auth.authenticate(req).tenantId());
            replies.json(res, exchange, 200, JsonBodies.write(factory, g -> {
                g.writeStartObject();
                g.writeStringField("object", "list");
                g.writeArrayFieldStart("data");
                for (ModelDeployment d : models.values()) {
                    model(g, d.model());
                }
                g.writeEndArray();
                g.writeEndObject();
            }));
        } catch (ApiException e) {
            replies.error(res, exchange, e);
        }
    }

    void get(ServerRequest req, ServerResponse res) {
        var exchange = replies.begin(req);
        try {
            exchange.tenant(auth.authenticate(req).tenantId());
            String id = req.path().pathParameters().get("model");
            ModelDeployment d = models.get(id);
            if (d == null) {
                throw ApiException.modelNotFound(id);
            }
            replies.json(res, exchange, 200, JsonBodies.write(factory, g -> model(g, d.model())));
        } catch (ApiException e) {
            replies.error(res, exchange, e);
        }
    }

    private static void model(JsonGenerator g, ServedModel m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.createdAt().getEpochSecond());
        g.writeStringField("owned_by", "tokenport");
        g.writeEndObject();
    }
}
