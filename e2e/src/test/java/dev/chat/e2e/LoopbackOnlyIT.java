package dev.chat.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing the stack runs can be reached from another machine: every TCP socket listening in a
 * process that {@code ./chat} started (the pids under {@code var/test/run}, and every process
 * below them: RabbitMQ's Erlang VM and its distribution port, epmd, PostgreSQL, Memcached, nginx,
 * coturn, api, the ws-nodes) is bound to a loopback address. Read from {@code /proc}: each process's
 * socket inodes, matched with the listening sockets of {@code /proc/net/tcp} and {@code tcp6}.
 */
class LoopbackOnlyIT {
    /** Every one of these must be found listening, so that a scan that sees nothing cannot pass. */
    private static final List<String> SERVERS = List.of("postgres", "rabbitmq", "epmd", "memcached", "coturn", "api-1", "ws-1", "ws-2",
            "nginx");

    record Listening(String address, int port, long inode) {
    }

    @Test
    void everyListeningSocketOfTheStackIsOnLoopback() throws IOException {
        String dir = System.getProperty("chat.e2e.pids");
        assertTrue(dir != null && !dir.isBlank(), "chat.e2e.pids is not set: run with ./chat test");
        Map<String, Long> roots = new TreeMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(Path.of(dir), "*.pid")) {
            for (Path p : pids) {
                roots.put(p.getFileName().toString().replace(".pid", ""), Long.parseLong(Files.readString(p).trim()));
            }
        }
        assertTrue(roots.keySet().containsAll(SERVERS), "pid files: " + roots.keySet());

        Map<Long, Listening> listening = new HashMap<>();
        listening.putAll(listening(Path.of("/proc/net/tcp")));
        listening.putAll(listening(Path.of("/proc/net/tcp6")));
        Map<Long, List<Long>> children = children();

        Map<String, List<Listening>> byServer = new TreeMap<>();
        List<String> exposed = new ArrayList<>();
        for (Map.Entry<String, Long> root : roots.entrySet()) {
            List<Listening> found = new ArrayList<>();
            for (long pid : withDescendants(root.getValue(), children)) {
                for (long inode : socketInodes(pid)) {
                    Listening l = listening.get(inode);
                    if (l != null && found.stream().noneMatch(f -> f.inode() == inode)) {
                        found.add(l);
                        if (!InetAddress.getByName(l.address()).isLoopbackAddress()) {
                            exposed.add(root.getKey() + " (pid " + pid + ") listens on " + l.address() + ":" + l.port());
                        }
                    }
                }
            }
            byServer.put(root.getKey(), found);
        }
        System.out.println("listening sockets of the stack: " + byServer);
        for (String server : SERVERS) {
            assertFalse(byServer.get(server).isEmpty(), server + " has no listening socket that this scan sees: " + byServer);
        }
        assertTrue(byServer.get("rabbitmq").size() >= 2, "RabbitMQ: AMQP and the Erlang distribution port: " + byServer.get("rabbitmq"));
        assertEquals(List.of(), exposed, "every listening socket is on loopback");
    }

    /** The listening sockets (state 0A) of one /proc/net table, by inode. */
    static Map<Long, Listening> listening(Path table) throws IOException {
        Map<Long, Listening> out = new HashMap<>();
        if (!Files.exists(table)) {
            return out;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[3].equals("0A")) {
                continue;
            }
            String[] local = f[1].split(":");
            out.put(Long.parseLong(f[9]), new Listening(address(local[0]), Integer.parseInt(local[1], 16), Long.parseLong(f[9])));
        }
        return out;
    }

    /** A /proc/net address: 32-bit words in the kernel's (little-endian) order. */
    static String address(String hex) throws IOException {
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] bytes = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                bytes[word + i] = raw[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
    }

    private static Map<Long, List<Long>> children() throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // pid (comm) state ppid ...: comm may hold spaces and parentheses
                    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    children.computeIfAbsent(Long.parseLong(after[1]), k -> new ArrayList<>()).add(Long.parseLong(p.getFileName().toString()));
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        }
        return children;
    }

    private static Set<Long> withDescendants(long root, Map<Long, List<Long>> children) {
        Set<Long> all = new LinkedHashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (all.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return all;
    }

    private static List<Long> socketInodes(long pid) {
        List<Long> inodes = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return inodes;
    }
}
