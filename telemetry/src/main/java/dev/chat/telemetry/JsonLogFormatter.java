package dev.chat.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code ts, level, logger, process, requestId, msg, error}. Messages
 * are formatted here (so {@code {0}} parameters work as usual); callers never log secrets,
 * tokens or passwords (a test greps the logs for them).
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();
    private final String process;

    public JsonLogFormatter(String process) {
        this.process = process;
    }

    @Override
    public String format(LogRecord r) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", r.getInstant().toString());
            g.writeStringField("level", r.getLevel().getName());
            g.writeStringField("logger", r.getLoggerName());
            g.writeStringField("process", process);
            String requestId = RequestId.current();
            if (requestId != null) {
                g.writeStringField("requestId", requestId);
            }
            g.writeStringField("msg", message(r));
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                g.writeStringField("error", trace.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            return "{\"level\":\"SEVERE\",\"msg\":\"unformattable log record\"}\n";
        }
        return out.append('\n').toString();
    }

    private static String message(LogRecord r) {
        String msg = r.getMessage();
        Object[] params = r.getParameters();
        if (msg == null || params == null || params.length == 0 || !msg.contains("{")) {
            return String.valueOf(msg);
        }
        try {
            return MessageFormat.format(msg, params);
        } catch (IllegalArgumentException e) {
            return msg;
        }
    }
}
