// Prints the values test/unit/fleet/java-worker-parity.test.ts checks the TypeScript originals
// against. Run with a built worker's libraries on the class path, e.g.:
//   jshell --class-path "$HOME/.cache/rmq-chaos/java-worker/remoting-4.9.7-<hash>/lib/*" workers/java/parity-fixtures.jsh
import io.rmqchaos.worker.*;
var h = LatencyHistogram.create();
for (double v : new double[] {0.4, 1, 5, 250, 250.4, 12345, 3_600_000, 9_999_999}) LatencyHistogram.recordMs(h, v);
System.out.println("HIST " + LatencyHistogram.encode(h));
var r = new SeededRandom(SeededRandom.hashSeed("7:p#0"));
var sb = new StringBuilder();
for (int i = 0; i < 8; i++) sb.append(r.next()).append(",");
System.out.println("RAND " + SeededRandom.hashSeed("7:p#0") + " " + sb);
var picks = new SeededRandom(SeededRandom.hashSeed("7:p#0"));
var weights = java.util.List.of(new SeededRandom.Weighted<>("A", 1), new SeededRandom.Weighted<>("B", 2));
var tags = new StringBuilder();
for (int i = 0; i < 13; i++) tags.append(picks.weightedPick(weights));
System.out.println("TAGS " + tags);
System.out.println("FAULTY " + Faulty.point(42, "orders#0", 9) + " " + Faulty.point(-3, "p#1", 10));
var poison = new StringBuilder();
for (int seq = 0; seq < 200; seq++) if (Faulty.isPoison(0.05, 7, "orders#0", seq)) poison.append(seq).append(",");
System.out.println("POISON " + poison);
var ramp = "{\"kind\":\"ramping\",\"startRatePerSecond\":10,\"stages\":[{\"durationMs\":2000,\"targetPerSecond\":100}," +
    "{\"durationMs\":1000,\"targetPerSecond\":0}]}";
var s = new ArrivalSchedule(new com.google.gson.Gson().fromJson(ramp, Config.Executor.class), 5000);
System.out.println("SCHED " + s.dueBy(1500) + " " + s.dueTimeOf(50) + " " + s.dueBy(99999));
var specs = new com.google.gson.Gson().fromJson(
    "{\"amount\":{\"int\":[1,100]},\"region\":{\"oneOf\":[\"eu\",\"us\",\"apac\"]},\"big\":{\"int\":[-5000000000,5000000000]}}",
    new com.google.gson.reflect.TypeToken<java.util.LinkedHashMap<String, Config.PropertySpec>>() {}.getType());
var props = new StringBuilder();
for (long seq : new long[] {0, 1, 41}) props.append(MessageProperties.draw((java.util.Map<String, Config.PropertySpec>) specs, 7, "p#0", seq)).append(";");
System.out.println("PROPS " + props);
/exit
