package org.wsproxy.frames;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MaskingKeysTest {

    @Test
    void maskingKeysAreNotRepeatedAcrossBlocks() {
        MaskingKeys keys = new MaskingKeys();
        Set<Integer> seen = new HashSet<>();
        int draws = 3 * MaskingKeys.BLOCK_BYTES / 4;
        for (int i = 0; i < draws; i++) {
            seen.add(keys.nextInt());
        }
        // 3,072 random 32-bit keys: a repeat is possible but rare; a block served twice would repeat 1,024.
        assertTrue(seen.size() > draws - 5, "distinct keys: " + seen.size());
        assertNotEquals(0, keys.nextInt() | keys.nextInt());
    }
}
