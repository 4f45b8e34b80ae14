package dev.chat.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document is served and every operation it lists is a route the server has. */
@ExtendWith(ChatServers.class)
class OpenApiIT {
    private static final Pattern PATH = Pattern.compile("^  (/\\S+):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|post|put|patch|delete):\\s*$");

    /** Every route the server registered under /api is in the document (nothing slips in undescribed). */
    @Test
    void everyRouteIsDocumented(ChatServers.Stack stack) {
        TestClient.Response doc = TestClient.request(stack.apiUrl(), "GET", "/api/openapi.yaml", null, null);
        java.util.Set<String> documented = new java.util.HashSet<>();
        for (String[] op : operations(doc.raw())) {
            documented.add(op[0] + " " + op[1]);
        }
        List<String> routes = stack.api().routes();
        assertTrue(routes.size() >= 40, "recorded " + routes.size() + " routes");
        List<String> missing = routes.stream().filter(r -> !documented.contains(r)).toList();
        assertTrue(missing.isEmpty(), "routed but not in openapi.yaml: " + missing);
    }

    static List<String[]> operations(String yaml) {
        List<String[]> operations = new ArrayList<>();
        String path = null;
        for (String line : yaml.split("\n")) {
            Matcher p = PATH.matcher(line);
            Matcher m = METHOD.matcher(line);
            if (p.matches()) {
                path = p.group(1);
            } else if (m.matches() && path != null) {
                operations.add(new String[]{m.group(1).toUpperCase(), path});
            }
        }
        return operations;
    }

    @Test
    void everyDocumentedOperationIsRouted(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.Response doc = TestClient.request(stack.apiUrl(), "GET", "/api/openapi.yaml", null, null);
        assertEquals(200, doc.status());
        assertTrue(doc.contentType().startsWith("application/yaml"));
        List<String[]> operations = operations(doc.raw());
        assertTrue(operations.size() >= 25, "found " + operations.size() + " operations");
        for (String[] op : operations) {
            String concrete = op[1].replace("{id}", UUID.randomUUID().toString()).replace("{username}", "ana")
                    .replace("{userId}", UUID.randomUUID().toString()).replace("{seq}", "1")
                    .replace("{group}", UUID.randomUUID().toString()).replace("{user}", UUID.randomUUID().toString())
                    .replace("{channel}", UUID.randomUUID().toString()).replace("{invite}", UUID.randomUUID().toString())
                    .replace("{token}", "no-such-token-0123456789").replace("{emoji}", "%F0%9F%91%8D").replace("{index}", "0");
            TestClient.Response r = TestClient.request(stack.apiUrl(), op[0], concrete, ana.token,
                    op[0].equals("GET") ? null : "{}");
            boolean unrouted = r.body() != null && "not_found".equals(r.body().path("code").asText());
            assertFalse(unrouted, op[0] + " " + op[1] + " is documented but not routed");
            assertTrue(r.status() < 500, op[0] + " " + op[1] + " answered " + r.status());
        }
    }
}
