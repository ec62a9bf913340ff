package io.rmqchaos.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of the libraries on the classpath, for the hello's `client` field. */
public final class MavenVersions {
  private MavenVersions() {}

  /**
   * The version in an org.apache.rocketmq artifact's Maven metadata inside its jar: read
   * without loading the client (and its logging); "unknown" when the jar carries none.
   */
  public static String rocketmq(String artifact) {
    String resource = "/META-INF/maven/org.apache.rocketmq/" + artifact + "/pom.properties";
    try (InputStream in = MavenVersions.class.getResourceAsStream(resource)) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
