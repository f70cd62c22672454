package org.wsproxy.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TyrusTimerTest {

    @Test
    void otherTasksStillRun() throws Exception {
        TyrusTimer timer = new TyrusTimer(getClass().getClassLoader());
        try {
            CountDownLatch ran = new CountDownLatch(2);
            timer.schedule(ran::countDown, 0, TimeUnit.MILLISECONDS);
            timer.schedule(ran::countDown, 10, TimeUnit.MILLISECONDS);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        } finally {
            timer.shutdownNow();
        }
    }
}
