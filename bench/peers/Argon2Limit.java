// Keycloak's hash limit for the peers benchmark: Argon2 with the parameters Keycloak stored for a
// bench user, computed by Keycloak's own BouncyCastle jar (the implementation its argon2 provider
// uses), `threads` in parallel for `seconds` after a 1 s warm-up. Prints one JSON line.
//   java -cp <bcprov jar> Argon2Limit.java <memoryKiB> <iterations> <parallelism> <hashLength> <seconds> <threads>
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

public class Argon2Limit {
    public static void main(String[] args) throws Exception {
        int memory = Integer.parseInt(args[0]);
        int iterations = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        int length = Integer.parseInt(args[3]);
        double seconds = Double.parseDouble(args[4]);
        int threads = Integer.parseInt(args[5]);
        byte[] salt = "bench-salt-16byt".getBytes();
        byte[] password = "correct horse battery staple 42".getBytes();
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memory)
            .withIterations(iterations).withParallelism(parallelism).withSalt(salt).build();
        run(params, password, length, 1.0, threads);
        long cpuBefore = cpuNanos();
        long started = System.nanoTime();
        long done = run(params, password, length, seconds, threads);
        double elapsed = (System.nanoTime() - started) / 1e9;
        double cpu = (cpuNanos() - cpuBefore) / 1e9;
        System.out.printf("{\"hashes\":%d,\"seconds\":%.3f,\"perSecond\":%.3f,\"cpuSeconds\":%.3f,\"threads\":%d}%n",
            done, elapsed, done / seconds, cpu, threads);
    }

    static long run(Argon2Parameters params, byte[] password, int length, double seconds, int threads)
            throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    Argon2BytesGenerator generator = new Argon2BytesGenerator();
                    generator.init(params);
                    byte[] out = new byte[length];
                    generator.generateBytes(password, out);
                    if (System.nanoTime() <= deadline) done.incrementAndGet();
                }
            });
            workers[i].start();
        }
        for (Thread worker : workers) worker.join();
        return done.get();
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
