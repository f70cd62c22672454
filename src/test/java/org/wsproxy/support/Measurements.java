package org.wsproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Heap and thread readings of this JVM, and a file that collects the figures a test measured. */
public final class Measurements {

    private static final Path FILE = Path.of("target", "measurements.txt");

    private Measurements() {
    }

    /** Heap in use after a full collection, in bytes. */
    public static long heapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Appends a line to target/measurements.txt and prints it. */
    public static void record(String line) {
        System.out.println("MEASURED " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
