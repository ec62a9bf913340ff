// Reference producer for `npm run bench producer`: the official RocketMQ Java client
// (rocketmq-client from the cached jars), async sends with a fixed in-flight window, the
// same message size and duration as the harness's producer. Run as a single-file program:
//   java -cp "<cache>/rocketmq-5.3.3/lib/*" bench/java/JavaProducer.java <namesrv> <topic> <seconds> <inflight> <size>
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

public class JavaProducer {
  public static void main(String[] args) throws Exception {
    String namesrv = args[0], topic = args[1];
    long seconds = Long.parseLong(args[2]);
    int inflight = Integer.parseInt(args[3]), size = Integer.parseInt(args[4]);
    DefaultMQProducer producer = new DefaultMQProducer("bench-java-producer");
    producer.setNamesrvAddr(namesrv);
    producer.setSendMsgTimeout(10_000);
    producer.start();
    byte[] body = new byte[size];
    Semaphore window = new Semaphore(inflight);
    AtomicLong acked = new AtomicLong(), failed = new AtomicLong();
    // Warm the route and the connection before timing, as the harness's producer does.
    producer.send(new Message(topic, body));
    long start = System.nanoTime(), end = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      window.acquire();
      producer.send(new Message(topic, body), new SendCallback() {
        public void onSuccess(SendResult r) { acked.incrementAndGet(); window.release(); }
        public void onException(Throwable e) { failed.incrementAndGet(); window.release(); }
      });
    }
    window.acquire(inflight);
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf("acked=%d failed=%d seconds=%.2f%n", acked.get(), failed.get(), elapsed);
    producer.shutdown();
  }
}
