package io.tokenport.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The threads that do the arithmetic, sized by {@code --threads}.
 *
 * <p>Design. {@code threads - 1} daemon platform threads ({@code tokenport-compute-N}) plus the calling thread,
 * which joins as worker 0. A job (one matmul or one {@link #parallelFor}) is cut into chunks (a matmul into a
 * multiple of the thread count, up to 8 per thread, and no more than keep each chunk at {@link #MIN_CHUNK_WORK});
 * every thread claims chunks from one shared word until none are left (work stealing, so a thread the OS has not
 * run yet costs nothing: the others take its share; one descheduled in the middle of a chunk holds the job up to
 * the end of that chunk, which is why large matmuls keep several chunks per thread). The word packs
 * {@code [job number | chunk count | next chunk]} so that a claim is one compare-and-set that can only succeed
 * for the job it read; job fields are read after a successful claim, and cannot change then, because the next job
 * starts only when every chunk of this one is done.
 *
 * <p>Between jobs workers spin for {@value #SPIN_NANOS} ns (a decode step issues matmuls microseconds apart)
 * and then park; the caller unparks only workers that actually parked. A steady-state matmul allocates nothing:
 * each thread's scratch is owned by the pool and only grows.
 *
 * <p>Calls from several threads are serialised by a lock. A call made from inside a job (a {@code parallelFor}
 * body calling {@code matmul}) runs on the calling thread alone instead of deadlocking.
 */
public final class ComputePool implements AutoCloseable {
    private static final long SPIN_NANOS = 50_000;
    /** Below this many multiply-adds a matmul runs on the caller: waking threads would cost more. */
    private static final long INLINE_WORK = 16_384;
    private static final int FIELD_BITS = 20;
    private static final int MAX_CHUNKS = (1 << FIELD_BITS) - 1;
    private static final long FIELD_MASK = MAX_CHUNKS;
    /** Most chunks per thread a matmul is cut into, for balance when threads run at different speeds. */
    private static final int CHUNKS_PER_THREAD = 8;
    /**
     * Fewest multiply-adds in a matmul's chunk (tens of microseconds of one core). Each chunk costs a claim and a
     * completion on words both threads write, a few hundred nanoseconds when they bounce between cores: cut into 16
     * chunks, the 100M model's 768 x 768 matmuls of one input row lost a quarter of their time to them, and the 1B
     * model's one-input matmuls stream weights from memory faster in long runs (decode on this project's 2-core
     * machine, same day: 100M Q8_0 188 -> 250 tokens/s with chunks of at least 256K, 1B Q4_0 32 -> 37 with 2M).
     */
    private static final long MIN_CHUNK_WORK = 2048 * 1024;

    private final int threads;
    private final Worker[] workers;
    private final Scratch[] scratch;
    private final ReentrantLock lock = new ReentrantLock();

    /** {@code [job number (24 bits) | chunk count (20) | next chunk (20)]}. */
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;

    // The current job; written by the caller before it publishes the claim word.
    private FloatTensor tensor;
    private float[] x;
    private int n;
    private float[] out;
    private IntConsumer body;
    private int count;
    private int perChunk;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.scratch = new Scratch[threads];
        for (int i = 0; i < threads; i++) {
            scratch[i] = new Scratch();
        }
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** {@code out[b * w.rows() + r] = dot(w row r, x[b * w.cols() ..])} for all rows and {@code b < n}. */
    public void matmul(FloatTensor w, float[] x, int n, float[] out) {
        w.checkMatmul(x, n, out);
        int rows = w.rows();
        if (nested()) {
            w.matmul(x, n, out, 0, rows);
            return;
        }
        lock.lock();
        try {
            long work = (long) rows * w.cols() * n;
            if (work < INLINE_WORK || threads == 1) {
                w.matmulRows(x, n, out, 0, rows, scratch[0]);
                return;
            }
            this.tensor = w;
            this.x = x;
            this.n = n;
            this.out = out;
            int chunks = (int) Math.min(threads * CHUNKS_PER_THREAD, Math.max(threads, work / MIN_CHUNK_WORK));
            chunks -= chunks % threads;
            int chunkRows = Math.max(1, (rows + chunks - 1) / chunks);
            chunkRows = Math.max(chunkRows, (rows + MAX_CHUNKS - 1) / MAX_CHUNKS);
            run(rows, chunkRows);
        } finally {
            this.tensor = null;
            this.x = null;
            this.out = null;
            lock.unlock();
        }
    }

    /**
     * Runs {@code body.accept(i)} for every {@code 0 <= i < count}, spread over the threads; returns when all are
     * done. The first exception a body throws is rethrown here, after the other items have run.
     */
    public void parallelFor(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (threads == 1 || count == 1 || nested()) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        lock.lock();
        try {
            this.body = body;
            run(count, (count + MAX_CHUNKS - 1) / MAX_CHUNKS);
        } finally {
            this.body = null;
            lock.unlock();
        }
    }

    /** Whether this thread is already inside a job of this pool. */
    private boolean nested() {
        return lock.isHeldByCurrentThread()
                || Thread.currentThread() instanceof Worker w && w.pool() == this;
    }

    /** Publishes a job of {@code items} items in chunks of {@code perChunk}, works on it, waits for the rest. */
    private void run(int items, int perChunk) {
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        this.count = items;
        this.perChunk = perChunk;
        int chunks = (items + perChunk - 1) / perChunk;
        failure = null;
        done.set(0);
        long job = (claim.get() >>> (2 * FIELD_BITS)) + 1;
        claim.set((job & 0xFF_FFFF) << (2 * FIELD_BITS) | (long) chunks << FIELD_BITS);
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        work(0);
        for (int spins = 0; done.get() < chunks; spins++) {
            if (spins < 1 << 14) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Whether the current job has an unclaimed chunk. */
    private boolean claimable() {
        long c = claim.get();
        return (c & FIELD_MASK) < ((c >>> FIELD_BITS) & FIELD_MASK);
    }

    /** Claims and runs chunks of the current job until none are left. */
    private void work(int worker) {
        while (true) {
            long c = claim.get();
            int next = (int) (c & FIELD_MASK);
            int chunks = (int) ((c >>> FIELD_BITS) & FIELD_MASK);
            if (next >= chunks) {
                return;
            }
            if (!claim.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                runChunk(worker, next);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void runChunk(int worker, int chunk) {
        int start = chunk * perChunk;
        int end = Math.min(count, start + perChunk);
        FloatTensor w = tensor;
        if (w != null) {
            w.matmulRows(x, n, out, start, end, scratch[worker]);
        } else {
            IntConsumer b = body;
            for (int i = start; i < end; i++) {
                b.accept(i);
            }
        }
    }

    /** Stops the worker threads. Calls after this fail, except ones small enough to run on the caller. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Worker threads still running (for tests of {@link #close()}). */
    int liveWorkers() {
        int live = 0;
        for (Worker w : workers) {
            live += w.isAlive() ? 1 : 0;
        }
        return live;
    }

    private final class Worker extends Thread {
        private final int index;
        volatile boolean parked;

        Worker(int index) {
            super("tokenport-compute-" + index);
            this.index = index;
            setDaemon(true);
        }

        ComputePool pool() {
            return ComputePool.this;
        }

        @Override
        public void run() {
            while (!closed) {
                work(index);
                idle();
            }
        }

        /** Spins briefly for the next job, then parks until the caller publishes one. */
        private void idle() {
            long start = System.nanoTime();
            for (int spins = 0; ; spins++) {
                if (claimable() || closed) {
                    return;
                }
                if ((spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (!claimable() && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
