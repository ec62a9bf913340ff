/*
 * The broker's SQL92 filter decision, as a line filter: the differential oracle for
 * src/filter (test/integration/sql92-oracle.test.ts). Run with the RocketMQ version's own jars:
 *
 *   java -cp '<cache>/rocketmq-<version>/lib/*' Sql92Oracle.java
 *
 * Each stdin line is tab-separated and percent-encoded (encodeURIComponent): the expression,
 * then one `key=value` field per message property. Each answer line is `true`, `false` or
 * `error <message>` (the expression does not compile), else what evaluating it returned:
 * `true`, `false`, `null`, `throws <exception class>` (or `other <class>`, never expected).
 * Compiling goes through FilterFactory (what the broker's ConsumerFilterManager does) and
 * evaluating through the broker's MessageEvaluationContext; the broker delivers on `true`
 * only (ExpressionMessageFilter.isMatchedByCommitLog). The three-valued answer, not just the
 * decision, is compared so that a wrong NULL inside a NOT is seen even where it would not
 * change that message's delivery.
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.broker.filter.MessageEvaluationContext;
import org.apache.rocketmq.filter.FilterFactory;
import org.apache.rocketmq.filter.expression.Expression;

public class Sql92Oracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            String[] fields = line.split("\t", -1);
            String sql = decode(fields[0]);
            Map<String, String> properties = new HashMap<>();
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                properties.put(decode(fields[i].substring(0, eq)), decode(fields[i].substring(eq + 1)));
            }
            out.println(decide(sql, properties));
            out.flush();
        }
    }

    private static String decide(String sql, Map<String, String> properties) {
        Expression compiled;
        try {
            compiled = FilterFactory.INSTANCE.get("SQL92").compile(sql);
        } catch (Throwable e) {
            String why = e.getCause() != null ? e.getCause().toString() : e.toString();
            return "error " + why.replace('\n', ' ').replace('\r', ' ');
        }
        Object ret;
        try {
            ret = compiled.evaluate(new MessageEvaluationContext(properties));
        } catch (Throwable e) {
            return "throws " + e.getClass().getName();
        }
        if (ret == null) {
            return "null";
        }
        return ret instanceof Boolean ? ret.toString() : "other " + ret.getClass().getName();
    }

    private static String decode(String s) throws Exception {
        return URLDecoder.decode(s.replace("+", "%2B"), "UTF-8");
    }
}
