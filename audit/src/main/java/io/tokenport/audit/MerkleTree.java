package io.tokenport.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 / RFC 9162 Merkle tree held in memory, with tree heads, inclusion proofs and
 * consistency proofs for every size it has reached.
 *
 * <p>Design: besides the leaf hashes, the tree keeps the hash of every complete, aligned subtree ("level k"
 * holds the hashes of leaves {@code [i*2^k, (i+1)*2^k)}). Appending a leaf costs on average one node hash. The
 * RFC's recursive definitions split a range at the largest power of two below its size, so every left part
 * they visit is such a complete subtree: a tree head or a proof for any past size costs O(log^2 n) node hashes
 * instead of re-hashing n leaves. Memory is about 64 bytes per leaf.
 *
 * <p>Not thread-safe; {@link TransferLog} guards it with a lock.
 */
public final class MerkleTree {

    private final List<HashArray> levels = new ArrayList<>();

    /** An empty tree. */
    public MerkleTree() {
        levels.add(new HashArray());
    }

    /** Number of leaves. */
    public long size() {
        return levels.get(0).size();
    }

    /** Appends a leaf by its hash (see {@link MerkleHashes#leafHash}); returns its index. */
    public long append(Digest leafHash) {
        long index = size();
        levels.get(0).add(leafHash);
        int level = 0;
        while ((levels.get(level).size() & 1) == 0) {
            HashArray below = levels.get(level);
            long n = below.size();
            Digest parent = MerkleHashes.nodeHash(below.get(n - 2), below.get(n - 1));
            if (levels.size() == level + 1) {
                levels.add(new HashArray());
            }
            levels.get(level + 1).add(parent);
            level++;
        }
        return index;
    }

    /** The hash of leaf {@code index}. */
    public Digest leafHash(long index) {
        checkRange(index, size() - 1, "leaf index");
        return levels.get(0).get(index);
    }

    /** The root hash of the tree when it had {@code treeSize} leaves ({@code MTH(D[0:treeSize])}). */
    public Digest rootHash(long treeSize) {
        checkRange(treeSize, size(), "tree size");
        return treeSize == 0 ? MerkleHashes.emptyRoot() : subtreeHash(0, treeSize);
    }

    /** The inclusion proof of leaf {@code index} in the tree of {@code treeSize} leaves (RFC 9162 2.1.3.1). */
    public List<Digest> inclusionProof(long index, long treeSize) {
        checkRange(treeSize, size(), "tree size");
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf index " + index + " is not in a tree of size " + treeSize);
        }
        List<Digest> proof = new ArrayList<>();
        path(index, 0, treeSize, proof);
        return proof;
    }

    /** The consistency proof from size {@code size1} to size {@code size2} (RFC 9162 2.1.4.1). */
    public List<Digest> consistencyProof(long size1, long size2) {
        checkRange(size2, size(), "tree size");
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("consistency proof needs 0 <= size1 <= size2, got " + size1
                    + " and " + size2);
        }
        List<Digest> proof = new ArrayList<>();
        if (size1 > 0 && size1 < size2) {
            subproof(size1, 0, size2, true, proof);
        }
        return proof;
    }

    /** PATH(m, D[start:end]), appending to {@code out} in the RFC's order (bottom up). */
    private void path(long m, long start, long end, List<Digest> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(subtreeHash(start + k, end));
        } else {
            path(m - k, start + k, end, out);
            out.add(subtreeHash(start, start + k));
        }
    }

    /** SUBPROOF(m, D[start:end], b). */
    private void subproof(long m, long start, long end, boolean complete, List<Digest> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(subtreeHash(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, complete, out);
            out.add(subtreeHash(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(subtreeHash(start, start + k));
        }
    }

    /** MTH(D[start:end]) for a non-empty range. */
    private Digest subtreeHash(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return levels.get(Long.numberOfTrailingZeros(n)).get(start / n);
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHashes.nodeHash(subtreeHash(start, start + k), subtreeHash(start + k, end));
    }

    /** The largest power of two strictly below {@code n}, for {@code n >= 2}. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void checkRange(long value, long max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.." + max);
        }
    }

    /** A growable array of 32-byte hashes in fixed-size chunks, so it never needs one huge array. */
    private static final class HashArray {
        private static final int CHUNK_HASHES = 1 << 14;
        private final List<byte[]> chunks = new ArrayList<>();
        private long size;

        long size() {
            return size;
        }

        void add(Digest hash) {
            int inChunk = (int) (size % CHUNK_HASHES);
            if (inChunk == 0) {
                chunks.add(new byte[CHUNK_HASHES * Digest.SIZE]);
            }
            hash.copyTo(chunks.get(chunks.size() - 1), inChunk * Digest.SIZE);
            size++;
        }

        Digest get(long index) {
            byte[] chunk = chunks.get((int) (index / CHUNK_HASHES));
            int offset = (int) (index % CHUNK_HASHES) * Digest.SIZE;
            byte[] out = new byte[Digest.SIZE];
            System.arraycopy(chunk, offset, out, 0, Digest.SIZE);
            return Digest.of(out);
        }
    }
}
