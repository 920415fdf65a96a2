package io.tokenport.zone.batching;

import io.tokenport.engine.generate.FinishReason;
import io.tokenport.engine.generate.Generation;
import io.tokenport.engine.generate.GenerationRequest;
import io.tokenport.engine.generate.LoadedModel;
import io.tokenport.engine.model.Batch;
import io.tokenport.engine.model.Model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching for one model: a single stepping thread owns the {@link Model} and advances every running
 * request by one forward pass per step.
 *
 * <p><b>Steps.</b> Each step builds one {@link Batch}: the next token of every decoding sequence, then up to
 * {@code prefillTokensPerStep} prompt tokens of sequences still being prefilled. A long prompt is therefore
 * prefilled over several steps while the streams already running keep receiving a token per step, and all of
 * them share each weight read.
 *
 * <p><b>Joining and leaving.</b> Handler threads {@link #submit} requests into a bounded queue; between steps the
 * stepping thread admits waiting requests up to {@code maxActiveSequences}, in tenant round-robin order
 * ({@link TenantRoundRobin}), so one tenant's flood cannot starve another tenant's request. Finished sequences
 * leave after the step that ended them; a cancelled one (its client went away) leaves before the next step. A
 * leaving sequence's KV cache is released at once.
 *
 * <p><b>Locking.</b> The queue is guarded by one lock, held only to enqueue, dequeue and cancel; the model and the
 * running sequences are touched only by the stepping thread, so a forward pass holds no lock.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BatchScheduler.class.getName());

    /**
     * How much work the scheduler takes on.
     *
     * @param maxActiveSequences   sequences generating at once (one forward pass carries all of them)
     * @param maxQueuedRequests    requests waiting beyond those; more are refused
     * @param prefillTokensPerStep prompt tokens added to one step
     */
    public record Settings(int maxActiveSequences, int maxQueuedRequests, int prefillTokensPerStep) {
        public Settings {
            if (maxActiveSequences < 1 || maxQueuedRequests < 0 || prefillTokensPerStep < 1) {
                throw new IllegalArgumentException("scheduler needs at least 1 active sequence, 0 or more queued"
                        + " requests and at least 1 prefill token per step, got " + maxActiveSequences + ", "
                        + maxQueuedRequests + ", " + prefillTokensPerStep);
            }
        }
    }

    /** One running request: its generation and how far its prompt has been fed. */
    private static final class Slot {
        final GenerationStream stream;
        final Generation generation;
        final int[] prompt;
        final float[] logits;
        int prefilled;
        int inStep;

        Slot(GenerationStream stream, Generation generation, float[] logits) {
            this.stream = stream;
            this.generation = generation;
            this.prompt = generation.request().promptIds();
            this.logits = logits;
        }

        boolean decoding() {
            return prefilled == prompt.length;
        }
    }

    private final LoadedModel model;
    private final Settings settings;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final TenantRoundRobin<GenerationStream> waiting = new TenantRoundRobin<>();
    private boolean closed;

    // Owned by the stepping thread.
    private final List<Slot> active = new ArrayList<>();
    private final ArrayDeque<float[]> freeLogits = new ArrayDeque<>();
    private final Batch batch;

    private final AtomicInteger activeCount = new AtomicInteger();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong sharedSteps = new AtomicLong();
    private volatile long kvCacheBytes;

    /** Starts the stepping thread for {@code model}, which it then owns. */
    public BatchScheduler(LoadedModel model, Settings settings, String name) {
        this.model = model;
        this.settings = settings;
        int vocab = model.model().config().vocabularySize();
        for (int i = 0; i < settings.maxActiveSequences(); i++) {
            freeLogits.add(new float[vocab]);
        }
        this.batch = new Batch(settings.maxActiveSequences() + settings.prefillTokensPerStep());
        // A platform thread: it drives the compute pool and should not be parked on a carrier.
        this.thread = Thread.ofPlatform().name("zone-scheduler-" + name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Queues a request.
     *
     * @param tenant whose request it is (the unit of fairness)
     * @throws SchedulerFullException when the queue is full or the scheduler is shutting down
     */
    public GenerationStream submit(String tenant, GenerationRequest request) throws SchedulerFullException {
        GenerationStream stream = new GenerationStream(this, tenant, request, System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                throw new SchedulerFullException("the zone is shutting down; retry on another replica or later");
            }
            if (waiting.size() + activeCount.get() >= settings.maxActiveSequences() + settings.maxQueuedRequests()) {
                throw new SchedulerFullException("the model is busy: " + activeCount.get() + " requests running and "
                        + waiting.size() + " waiting; retry shortly");
            }
            waiting.offer(tenant, stream);
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        return stream;
    }

    /** Sequences in the running batch. */
    public int activeSequences() {
        return activeCount.get();
    }

    /** Requests waiting to join. */
    public int queuedRequests() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of KV cache held by the running sequences, as of the last step. */
    public long kvCacheBytes() {
        return kvCacheBytes;
    }

    /** Whether the stepping thread is running and accepting requests. */
    public boolean running() {
        lock.lock();
        try {
            return !closed && thread.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /** Forward passes run so far. */
    public long steps() {
        return steps.get();
    }

    /** Forward passes that carried tokens of two or more sequences. */
    public long sharedSteps() {
        return sharedSteps.get();
    }

    /** Drops a waiting stream from the queue at once; a running one leaves before the next step. */
    void cancel(GenerationStream stream) {
        boolean removed;
        lock.lock();
        try {
            removed = waiting.remove(stream.tenant(), stream);
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        if (removed) {
            stream.finish(FinishReason.CANCELLED);
        }
    }

    private void run() {
        List<GenerationStream> joining = new ArrayList<>();
        try {
            while (true) {
                joining.clear();
                lock.lock();
                try {
                    while (!closed && active.isEmpty() && waiting.isEmpty()) {
                        workArrived.await();
                    }
                    if (closed) {
                        return;
                    }
                    while (active.size() + joining.size() < settings.maxActiveSequences() && !waiting.isEmpty()) {
                        joining.add(waiting.poll());
                    }
                    // Counted as active from here, so submit() sees the queue's room correctly.
                    activeCount.set(active.size() + joining.size());
                } finally {
                    lock.unlock();
                }
                for (GenerationStream stream : joining) {
                    join(stream);
                }
                leaveCancelled();
                if (!active.isEmpty()) {
                    step();
                }
                activeCount.set(active.size());
                long cache = 0;
                for (Slot slot : active) {
                    cache += slot.generation.sequence().cacheBytes();
                }
                kvCacheBytes = cache;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "scheduler stopped by an unexpected error", e);
        } finally {
            shutDownStreams();
        }
    }

    private void join(GenerationStream stream) {
        if (stream.cancelRequested) {
            stream.finish(FinishReason.CANCELLED);
            return;
        }
        try {
            Generation generation = new Generation(model, stream.request(), stream::accept);
            active.add(new Slot(stream, generation, freeLogits.pop()));
        } catch (RuntimeException e) {
            stream.fail(e);
        }
    }

    private void leaveCancelled() {
        for (int i = active.size() - 1; i >= 0; i--) {
            Slot slot = active.get(i);
            if (slot.stream.cancelRequested) {
                slot.generation.cancel();
                leave(i, FinishReason.CANCELLED);
            }
        }
    }

    /** One forward pass: a token for every decoding sequence, then prompt chunks up to the prefill budget. */
    private void step() {
        batch.clear();
        int sequences = 0;
        for (Slot slot : active) {
            if (slot.decoding()) {
                batch.add(slot.generation.sequence(), slot.generation.lastToken(), slot.logits);
                sequences++;
            }
        }
        // Prompts go in whole chunks cut at multiples of prefillTokensPerStep, never in pieces that depend on what
        // else is running: each token then takes the same matmul path as when its request runs alone, so a
        // request's output does not depend on the load (greedy and seeded sampling repeat exactly).
        int chunk = settings.prefillTokensPerStep();
        int budget = chunk;
        for (Slot slot : active) {
            if (!slot.decoding()) {
                int n = Math.min(chunk, slot.prompt.length - slot.prefilled);
                if (n > budget) {
                    continue;
                }
                int last = slot.prompt.length - 1;
                for (int i = slot.prefilled; i < slot.prefilled + n; i++) {
                    batch.add(slot.generation.sequence(), slot.prompt[i], i == last ? slot.logits : null);
                }
                slot.inStep = n;
                budget -= n;
                sequences++;
            }
        }

        try {
            model.model().forward(batch);
        } catch (RuntimeException e) {
            // Not the request's fault as far as we can tell: fail every sequence of the pass, keep serving.
            LOG.log(System.Logger.Level.ERROR, "forward pass failed; failing its " + active.size() + " sequences", e);
            batch.clear();
            for (int i = active.size() - 1; i >= 0; i--) {
                Slot slot = active.get(i);
                slot.generation.cancel();
                leave(i, null);
                slot.stream.fail(e);
            }
            return;
        }
        batch.clear();
        steps.incrementAndGet();
        if (sequences > 1) {
            sharedSteps.incrementAndGet();
        }

        for (int i = active.size() - 1; i >= 0; i--) {
            Slot slot = active.get(i);
            boolean finished;
            if (slot.decoding()) {
                finished = slot.generation.advance(slot.logits);
            } else if (slot.inStep > 0) {
                slot.prefilled += slot.inStep;
                slot.inStep = 0;
                // The prompt's last token gave the logits of the first generated token.
                finished = slot.decoding() && slot.generation.advance(slot.logits);
            } else {
                finished = false;
            }
            if (finished) {
                leave(i, slot.generation.finishReason());
            }
        }
    }

    /** Removes the slot at {@code index}, frees its KV cache and, unless {@code reason} is null, ends its stream. */
    private void leave(int index, FinishReason reason) {
        Slot slot = active.remove(index);
        slot.generation.sequence().reset();
        freeLogits.push(slot.logits);
        if (reason != null) {
            slot.stream.finish(reason);
        }
    }

    private void shutDownStreams() {
        IllegalStateException stopped = new IllegalStateException("the zone is shutting down");
        lock.lock();
        try {
            closed = true;
            for (GenerationStream s; (s = waiting.poll()) != null; ) {
                s.fail(stopped);
            }
        } finally {
            lock.unlock();
        }
        for (int i = active.size() - 1; i >= 0; i--) {
            Slot slot = active.get(i);
            leave(i, null);
            slot.stream.fail(stopped);
        }
        activeCount.set(0);
    }

    /** Stops the stepping thread; running and waiting requests fail with "shutting down". */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
