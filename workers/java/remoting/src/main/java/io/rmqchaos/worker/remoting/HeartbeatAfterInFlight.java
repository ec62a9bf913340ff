package io.rmqchaos.worker.remoting;

import java.lang.reflect.Field;
import java.util.concurrent.locks.Lock;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;

/**
 * Sends the client's heartbeat to all brokers, built now: if a heartbeat is in flight, it
 * waits for it instead of being skipped. MQClientInstance.sendHeartbeatToAllBrokerWithLock
 * only tryLocks its heartbeat lock (a ReentrantLock, field `lockHeartbeat` in 4.9.x and 5.x:
 * 5.3.3 MQClientInstance line 118) and returns having sent nothing while another thread holds
 * it, so this takes the lock first, waiting its turn, and calls it while holding it (the
 * tryLock then re-enters). The lock is private: without it (a client that renamed it), the
 * heartbeat is sent as the client would, skipped while another is in flight.
 */
final class HeartbeatAfterInFlight {
  private final MQClientInstance client;
  private final Lock lock;

  HeartbeatAfterInFlight(MQClientInstance client) {
    this.client = client;
    this.lock = heartbeatLock(client);
  }

  /** Sends one heartbeat built after the call started (without the lock: as the client would, maybe skipped). */
  void send() throws InterruptedException {
    if (lock == null) {
      client.sendHeartbeatToAllBrokerWithLock();
      return;
    }
    if (!lock.tryLock()) {
      System.err.println("a heartbeat is in flight: the new subscription versions wait for it");
      lock.lockInterruptibly();
    }
    try {
      client.sendHeartbeatToAllBrokerWithLock();
    } finally {
      lock.unlock();
    }
  }

  private static Lock heartbeatLock(MQClientInstance client) {
    try {
      Field field = MQClientInstance.class.getDeclaredField("lockHeartbeat");
      field.setAccessible(true);
      return (Lock) field.get(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println(
          "no heartbeat lock in this client (" + e + "): heartbeats may be skipped while one is in flight");
      return null;
    }
  }
}
