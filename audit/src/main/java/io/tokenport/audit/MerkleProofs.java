package io.tokenport.audit;

import java.util.List;

/**
 * Verification of inclusion and consistency proofs, exactly the algorithms of RFC 9162 sections 2.1.3.2 and
 * 2.1.4.2. They need only hashes, never the log, which is what lets a regulator check evidence offline.
 * Each failure names the step that failed.
 */
public final class MerkleProofs {

    private MerkleProofs() {
    }

    /**
     * Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves whose root is
     * {@code root}.
     *
     * @throws InvalidProofException saying which step failed
     */
    public static void verifyInclusion(long index, long size, Digest leafHash, List<Digest> proof, Digest root) {
        Digest computed = rootFromInclusionProof(index, size, leafHash, proof);
        if (!computed.equals(root)) {
            throw new InvalidProofException("inclusion proof for leaf " + index + " in tree of size " + size
                    + " leads to root " + computed.base64() + ", expected " + root.base64());
        }
    }

    /**
     * The root an inclusion proof leads to (RFC 9162 section 2.1.3.2 steps 1 to 4, and the {@code sn == 0}
     * check of step 5).
     */
    public static Digest rootFromInclusionProof(long index, long size, Digest leafHash, List<Digest> proof) {
        if (index < 0 || size < 0) {
            throw new InvalidProofException("negative leaf index " + index + " or tree size " + size);
        }
        if (index >= size) {
            throw new InvalidProofException("leaf index " + index + " is not below tree size " + size);
        }
        long fn = index;
        long sn = size - 1;
        Digest r = leafHash;
        for (Digest p : proof) {
            if (sn == 0) {
                throw new InvalidProofException("inclusion proof for leaf " + index + " in tree of size " + size
                        + " has " + proof.size() + " hashes, more than the path is long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = MerkleHashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("inclusion proof for leaf " + index + " in tree of size " + size
                    + " has " + proof.size() + " hashes, fewer than the path is long");
        }
        return r;
    }

    /**
     * Checks that the tree of {@code size2} leaves with root {@code root2} extends the tree of {@code size1}
     * leaves with root {@code root1}. Sizes {@code 0} and {@code size1 == size2} take an empty proof.
     *
     * @throws InvalidProofException saying which step failed
     */
    public static void verifyConsistency(long size1, long size2, Digest root1, Digest root2, List<Digest> proof) {
        String what = "consistency proof from size " + size1 + " to size " + size2;
        if (size1 < 0 || size2 < size1) {
            throw new InvalidProofException(what + ": the first size must be between 0 and the second");
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException(what + ": equal sizes take an empty proof, got " + proof.size()
                        + " hashes");
            }
            if (!root1.equals(root2)) {
                throw new InvalidProofException(what + ": equal sizes but different roots " + root1.base64()
                        + " and " + root2.base64());
            }
            return;
        }
        if (size1 == 0) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException(what + ": the empty tree takes an empty proof, got "
                        + proof.size() + " hashes");
            }
            if (!root1.equals(MerkleHashes.emptyRoot())) {
                throw new InvalidProofException(what + ": the first root is not the empty-tree hash");
            }
            return;
        }
        // RFC 9162 section 2.1.4.2, steps 1 to 7.
        if (proof.isEmpty()) {
            throw new InvalidProofException(what + ": the proof is empty");
        }
        int next = 0;
        Digest start;
        if (Long.bitCount(size1) == 1) {
            start = root1;
        } else {
            start = proof.get(0);
            next = 1;
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        Digest fr = start;
        Digest sr = start;
        for (int i = next; i < proof.size(); i++) {
            Digest c = proof.get(i);
            if (sn == 0) {
                throw new InvalidProofException(what + ": the proof has " + proof.size()
                        + " hashes, more than the path is long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHashes.nodeHash(c, fr);
                sr = MerkleHashes.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = MerkleHashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException(what + ": the proof has " + proof.size()
                    + " hashes, fewer than the path is long");
        }
        if (!fr.equals(root1)) {
            throw new InvalidProofException(what + ": the proof leads to first root " + fr.base64()
                    + ", expected " + root1.base64());
        }
        if (!sr.equals(root2)) {
            throw new InvalidProofException(what + ": the proof leads to second root " + sr.base64()
                    + ", expected " + root2.base64());
        }
    }
}
