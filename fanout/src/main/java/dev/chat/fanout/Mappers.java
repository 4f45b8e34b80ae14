package dev.chat.fanout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON mapper every process builds its own on. Jackson recycles its parse and write buffers
 * per thread by default; with a virtual thread per request or frame every parse and every write
 * allocated fresh buffers (a sixth of api's allocation under load). A shared pool recycles them
 * across threads. Thread-safe.
 */
public final class Mappers {
    private Mappers() {
    }

    public static ObjectMapper create() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());
    }
}
