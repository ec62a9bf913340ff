package io.rmqchaos.worker.remoting;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;
import org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException;

/**
 * Countable names for send failures, as the Node driver's `reason`: `broker:SYSTEM_BUSY(2)`
 * when the broker answered with a code, `timeout` when the send ran out of time, else the
 * simple class name of the root cause (RemotingConnectException, MQClientException...).
 */
final class SendErrorKeys {
  /** ResponseCode moved from rocketmq-common (4.x) to rocketmq-remoting (5.x): read whichever is there. */
  private static final String[] CODE_CLASSES = {
    "org.apache.rocketmq.remoting.protocol.ResponseCode",
    "org.apache.rocketmq.common.protocol.ResponseCode",
    "org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode",
  };
  private static final Map<Integer, String> NAMES = codeNames();

  private SendErrorKeys() {}

  static String of(Throwable error) {
    Throwable root = error;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MQBrokerException broker) return "broker:" + name(broker.getResponseCode());
      if (t instanceof RemotingTimeoutException || t instanceof RemotingTooMuchRequestException) return "timeout";
      root = t;
    }
    return root.getClass().getSimpleName();
  }

  static String name(int code) {
    String name = NAMES.get(code);
    return name == null ? Integer.toString(code) : name + "(" + code + ")";
  }

  private static Map<Integer, String> codeNames() {
    Map<Integer, String> names = new HashMap<>();
    for (String className : CODE_CLASSES) {
      try {
        for (Field f : Class.forName(className).getFields()) {
          if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) names.putIfAbsent(f.getInt(null), f.getName());
        }
      } catch (ReflectiveOperationException | LinkageError ignored) {
        // not in this client version
      }
    }
    return names;
  }
}
