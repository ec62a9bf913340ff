package io.rmqchaos.worker.remoting;

import java.lang.reflect.Method;

/**
 * Sets clustering or broadcasting. MessageModel moved from org.apache.rocketmq.common.protocol
 * (4.x) to org.apache.rocketmq.remoting.protocol (5.x), so naming it would tie the source to one
 * client line: the enum is found through the consumer's own getter instead.
 */
final class Models {
  private Models() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void apply(Object consumer, String model) {
    try {
      Method getter = consumer.getClass().getMethod("getMessageModel");
      Class<? extends Enum> type = (Class<? extends Enum>) getter.getReturnType();
      Object value = Enum.valueOf(type, model.toUpperCase(java.util.Locale.ROOT));
      consumer.getClass().getMethod("setMessageModel", type).invoke(consumer, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot set message model " + model + ": " + e, e);
    }
  }
}
