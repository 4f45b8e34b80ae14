package dev.chat.api.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The REST routes the server really has, as {@code "METHOD /path"} strings, recorded while the
 * services register them; a test holds them against the OpenAPI document, so a route cannot be
 * added without being described (nor described without being routed).
 */
public final class RouteTable {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private final Set<String> routes = Collections.synchronizedSet(new TreeSet<>());

    /** The service, registering through a recorder of every route it adds under {@code prefix}. */
    public HttpService recorded(String prefix, HttpService service) {
        return rules -> service.routing(recorder(prefix, rules));
    }

    /** Records a route registered without a recorder. */
    public void add(String route) {
        routes.add(route);
    }

    /**
     * The methods that have a route for {@code path} (a request path, no query), in the order GET,
     * POST, PUT, PATCH, DELETE; empty when no route has this path. A pattern's {@code {name}} stands
     * for one non-empty segment.
     */
    public java.util.Set<String> methodsFor(String path) {
        String[] segments = path.split("/", -1);
        java.util.Set<String> found = new java.util.TreeSet<>(java.util.Comparator.comparingInt(ORDER::indexOf));
        for (String route : routes()) {
            int space = route.indexOf(' ');
            if (matches(route.substring(space + 1).split("/", -1), segments)) {
                found.add(route.substring(0, space));
            }
        }
        return found;
    }

    private static final List<String> ORDER = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private static boolean matches(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            boolean parameter = p.length() > 2 && p.startsWith("{") && p.endsWith("}");
            if (parameter ? segments[i].isEmpty() : !p.equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    public List<String> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    private HttpRules recorder(String prefix, HttpRules rules) {
        return (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
                (proxy, method, args) -> {
                    if (METHODS.contains(method.getName()) && args != null && args.length > 0 && args[0] instanceof String path) {
                        routes.add(method.getName().toUpperCase(java.util.Locale.ROOT) + " " + prefix + path);
                    }
                    Object result;
                    try {
                        result = method.invoke(rules, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result == rules ? proxy : result;
                });
    }
}
