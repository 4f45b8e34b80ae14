package dev.chat.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Membership, history paging, and seq allocation under concurrency. */
@ExtendWith(ChatServers.class)
class ConversationAccessIT {

    @Test
    void nonMemberCanNeitherReadNorWrite(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        ana.send(chat, UUID.randomUUID().toString(), "private");

        TestClient.Response read = eve.get("/api/conversations/" + chat + "/messages");
        assertEquals(404, read.status());
        assertEquals("conversation_not_found", read.body().get("code").asText());
        assertTrue(!read.raw().contains("private"));
        assertEquals(404, eve.get("/api/conversations/" + chat).status());
        TestClient.Response write = eve.send(chat, UUID.randomUUID().toString(), "let me in");
        assertEquals(404, write.status());
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat));
        assertEquals(0, eve.get("/api/conversations").body().get("conversations").size());
    }

    @Test
    void reusingAClientIdInAnotherConversationIsAConflict(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "cyd");
        UUID withBo = ana.openDirect("bob");
        UUID withCy = ana.openDirect("cyd");
        String id = UUID.randomUUID().toString();
        assertEquals(201, ana.send(withBo, id, "one").status());
        TestClient.Response clash = ana.send(withCy, id, "two");
        assertEquals(409, clash.status());
        assertEquals("client_msg_id_conflict", clash.body().get("code").asText());
        assertEquals(0, CrossNodeMessagingIT.countMessages(stack, withCy));
    }

    @Test
    void openingTheSameDirectChatTwiceGivesOneConversation(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bo = TestClient.signUp(stack.apiUrl(), "bob");
        UUID one = ana.openDirect("bob");
        UUID two = bo.openDirect("ana");
        assertEquals(one, two);
        assertEquals(200, ana.post("/api/conversations", "{\"kind\":\"direct\",\"username\":\"bob\"}").status());
        assertEquals(1, ana.get("/api/conversations").body().get("conversations").size());
    }

    @Test
    void concurrentSendersGetGaplessSeqsAndRetriesStayOne(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bo = TestClient.signUp(stack.apiUrl(), "bob").via(stack.apiUrlB()); // on the other api instance
        UUID chat = ana.openDirect("bob");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // every id sent twice, concurrently
                for (int i = 0; i < ids.size(); i++) {
                    TestClient who = i % 2 == 0 ? ana : bo;
                    String id = ids.get(i);
                    results.add(pool.submit(() -> who.send(chat, id, "m " + id).status()));
                }
            }
            for (Future<Integer> f : results) {
                int status = f.get();
                assertTrue(status == 201 || status == 200, "status " + status);
            }
        }
        assertEquals(100, CrossNodeMessagingIT.countMessages(stack, chat));
        List<Long> seqs = new ArrayList<>();
        Long before = null;
        do { // page backwards through the whole history
            var page = ana.get("/api/conversations/" + chat + "/messages?limit=30" + (before == null ? "" : "&before=" + before)).body();
            List<Long> pageSeqs = new ArrayList<>();
            page.get("messages").forEach(m -> pageSeqs.add(m.get("seq").asLong()));
            seqs.addAll(0, pageSeqs);
            before = page.get("hasMore").asBoolean() ? pageSeqs.getFirst() : null;
        } while (before != null);
        assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), seqs);
        var after = ana.get("/api/conversations/" + chat + "/messages?after=95&limit=100").body();
        assertEquals(5, after.get("messages").size());
        assertEquals(96, after.at("/messages/0/seq").asLong());
        assertTrue(!after.get("hasMore").asBoolean());
        assertEquals(100, ana.get("/api/conversations").body().at("/conversations/0/lastSeq").asLong());
    }
}
