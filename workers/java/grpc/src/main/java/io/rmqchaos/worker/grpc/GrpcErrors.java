package io.rmqchaos.worker.grpc;

import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Countable send failures, named as the Node gRPC driver names them: `proxy:<CODE>(<n>)` for a
 * proxy status (ClientException carries it only in its message, "response-code=<n>"),
 * `grpc:<STATUS>(<n>)` for a call that failed at the gRPC layer, `timeout`, else the root
 * cause's simple class name.
 */
final class GrpcErrors {
  private static final Pattern RESPONSE_CODE = Pattern.compile("response-code=(\\d+)");

  private GrpcErrors() {}

  static String key(Throwable error) {
    Throwable root = error;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) return "timeout";
      if (t.getMessage() != null) {
        Matcher m = RESPONSE_CODE.matcher(t.getMessage());
        if (m.find()) return "proxy:" + proxyCode(Integer.parseInt(m.group(1)));
      }
      // The client shades gRPC: its StatusRuntimeException is found by simple name, read reflectively.
      if (t.getClass().getSimpleName().equals("StatusRuntimeException")) {
        try {
          Object status = t.getClass().getMethod("getStatus").invoke(t);
          Object code = status.getClass().getMethod("getCode").invoke(status);
          int value = (int) code.getClass().getMethod("value").invoke(code);
          return "grpc:" + code + "(" + value + ")";
        } catch (ReflectiveOperationException ignored) {
          // fall through to the class name
        }
      }
      root = t;
    }
    return root.getClass().getSimpleName();
  }

  private static String proxyCode(int n) {
    apache.rocketmq.v2.Code code = apache.rocketmq.v2.Code.forNumber(n);
    return (code == null ? Integer.toString(n) : code.name()) + "(" + n + ")";
  }
}
