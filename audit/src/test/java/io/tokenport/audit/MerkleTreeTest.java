package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Merkle tree against the published RFC 6962 test vectors (see merkle-vectors.txt for their source), and
 * seeded-random property loops against the RFC's recursive definitions written out naively below.
 */
class MerkleTreeTest {

    private static final List<byte[]> LEAVES = new ArrayList<>();
    private static final List<Digest> ROOTS = new ArrayList<>();
    private static final List<String[]> INCLUSIONS = new ArrayList<>();
    private static final List<String[]> CONSISTENCIES = new ArrayList<>();

    @BeforeAll
    static void readVectors() throws IOException {
        try (InputStream in = MerkleTreeTest.class.getResourceAsStream("merkle-vectors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "leaf" -> LEAVES.add(HexFormat.of().parseHex(f.length > 2 ? f[2] : ""));
                    case "root" -> ROOTS.add(Digest.fromHex(f[2], "root"));
                    case "inclusion" -> INCLUSIONS.add(f);
                    case "consistency" -> CONSISTENCIES.add(f);
                    default -> throw new IllegalStateException(line);
                }
            }
        }
        assertThat(LEAVES).hasSize(8);
        assertThat(ROOTS).hasSize(9);
    }

    private static MerkleTree referenceTree() {
        MerkleTree tree = new MerkleTree();
        for (byte[] leaf : LEAVES) {
            tree.append(MerkleHashes.leafHash(leaf));
        }
        return tree;
    }

    private static List<Digest> hashes(String[] fields, int from) {
        List<Digest> out = new ArrayList<>();
        for (int i = from; i < fields.length; i++) {
            out.add(Digest.fromHex(fields[i], "vector"));
        }
        return out;
    }

    @Test
    void rootHashesMatchPublishedVectorsForEverySize() {
        MerkleTree tree = referenceTree();
        for (int size = 0; size <= 8; size++) {
            assertThat(tree.rootHash(size)).as("root of size %d", size).isEqualTo(ROOTS.get(size));
        }
    }

    @Test
    void inclusionProofsMatchPublishedVectorsAndVerify() {
        MerkleTree tree = referenceTree();
        for (String[] v : INCLUSIONS) {
            long index = Long.parseLong(v[1]);
            long size = Long.parseLong(v[2]);
            List<Digest> expected = hashes(v, 3);
            assertThat(tree.inclusionProof(index, size)).as("proof %d in %d", index, size).isEqualTo(expected);
            Digest leaf = MerkleHashes.leafHash(LEAVES.get((int) index));
            MerkleProofs.verifyInclusion(index, size, leaf, expected, ROOTS.get((int) size));
            assertInclusionMutantsFail(index, size, leaf, expected, ROOTS.get((int) size));
        }
    }

    @Test
    void consistencyProofsMatchPublishedVectorsAndVerify() {
        MerkleTree tree = referenceTree();
        for (String[] v : CONSISTENCIES) {
            long m = Long.parseLong(v[1]);
            long n = Long.parseLong(v[2]);
            List<Digest> expected = hashes(v, 3);
            assertThat(tree.consistencyProof(m, n)).as("proof %d to %d", m, n).isEqualTo(expected);
            MerkleProofs.verifyConsistency(m, n, ROOTS.get((int) m), ROOTS.get((int) n), expected);
            if (m < n) {
                assertConsistencyMutantsFail(m, n, ROOTS.get((int) m), ROOTS.get((int) n), expected);
            }
        }
    }

    @Test
    void trivialConsistencyCasesFollowTheirRules() {
        Digest a = ROOTS.get(3);
        Digest empty = MerkleHashes.emptyRoot();
        MerkleProofs.verifyConsistency(0, 0, empty, empty, List.of());
        MerkleProofs.verifyConsistency(0, 5, empty, ROOTS.get(5), List.of());
        MerkleProofs.verifyConsistency(3, 3, a, a, List.of());
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(3, 3, a, ROOTS.get(4), List.of()))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("different roots");
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(3, 3, a, a, List.of(a)))
                .isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(4, 3, a, a, List.of()))
                .isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(0, 5, a, ROOTS.get(5), List.of()))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("empty-tree");
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(1, 2, ROOTS.get(1), ROOTS.get(2), List.of()))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> MerkleProofs.verifyInclusion(0, 0, a, List.of(), a))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("not below tree size");
    }

    @Test
    void everyProofForRandomSizesMatchesTheRfcDefinitionAndVerifies() {
        Random random = new Random(20261128L);
        for (int round = 0; round < 40; round++) {
            int n = 1 + random.nextInt(300);
            List<Digest> leaves = new ArrayList<>();
            MerkleTree tree = new MerkleTree();
            for (int i = 0; i < n; i++) {
                byte[] data = new byte[random.nextInt(40)];
                random.nextBytes(data);
                Digest leaf = MerkleHashes.leafHash(data);
                leaves.add(leaf);
                tree.append(leaf);
            }
            int size = 1 + random.nextInt(n);
            Digest root = tree.rootHash(size);
            assertThat(root).isEqualTo(Reference.mth(leaves.subList(0, size)));
            for (int index = 0; index < size; index++) {
                List<Digest> proof = tree.inclusionProof(index, size);
                assertThat(proof).isEqualTo(Reference.path(index, leaves.subList(0, size)));
                MerkleProofs.verifyInclusion(index, size, leaves.get(index), proof, root);
            }
            for (int m = 0; m <= size; m++) {
                List<Digest> proof = tree.consistencyProof(m, size);
                if (m > 0 && m < size) {
                    assertThat(proof).isEqualTo(Reference.proof(m, leaves.subList(0, size)));
                }
                MerkleProofs.verifyConsistency(m, size, tree.rootHash(m), root, proof);
            }
        }
    }

    @Test
    void anyChangeToARandomProofMakesItFail() {
        Random random = new Random(7L);
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 700; i++) {
            tree.append(MerkleHashes.leafHash(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        for (int round = 0; round < 150; round++) {
            long size = 2 + random.nextInt(699);
            long index = random.nextInt((int) size);
            assertInclusionMutantsFail(index, size, tree.leafHash(index), tree.inclusionProof(index, size),
                    tree.rootHash(size));
            long m = 1 + random.nextInt((int) size - 1);
            assertConsistencyMutantsFail(m, size, tree.rootHash(m), tree.rootHash(size),
                    tree.consistencyProof(m, size));
        }
    }

    /** Every byte of every proof hash flipped, every wrong index or size, every added or dropped hash. */
    private static void assertInclusionMutantsFail(long index, long size, Digest leaf, List<Digest> proof,
            Digest root) {
        for (int i = 0; i < proof.size(); i++) {
            for (int b = 0; b < Digest.SIZE; b++) {
                List<Digest> bad = new ArrayList<>(proof);
                bad.set(i, flip(proof.get(i), b));
                assertInclusionFails(index, size, leaf, bad, root, "flipped byte " + b + " of hash " + i);
            }
        }
        for (int b = 0; b < Digest.SIZE; b++) {
            assertInclusionFails(index, size, flip(leaf, b), proof, root, "flipped leaf byte " + b);
            assertInclusionFails(index, size, leaf, proof, flip(root, b), "flipped root byte " + b);
        }
        for (long other = 0; other < size; other++) {
            if (other != index) {
                assertInclusionFails(other, size, leaf, proof, root, "index " + other);
            }
        }
        // A proof pins the shape of the path, not the tree size itself (the signed checkpoint does that): a
        // size with a path of the same length can run the same computation. Every size that changes the
        // path must fail.
        for (long otherSize : new long[] {size - 1, size + 1, size * 2, size / 2, index}) {
            if (otherSize != size && (index >= otherSize || shapeOfInclusion(index, otherSize) != proof.size())) {
                assertInclusionFails(index, otherSize, leaf, proof, root, "size " + otherSize);
            }
        }
        if (!proof.isEmpty()) {
            assertInclusionFails(index, size, leaf, proof.subList(0, proof.size() - 1), root, "dropped last");
            assertInclusionFails(index, size, leaf, proof.subList(1, proof.size()), root, "dropped first");
        }
        List<Digest> longer = new ArrayList<>(proof);
        longer.add(root);
        assertInclusionFails(index, size, leaf, longer, root, "appended root");
    }

    private static void assertConsistencyMutantsFail(long m, long n, Digest root1, Digest root2,
            List<Digest> proof) {
        for (int i = 0; i < proof.size(); i++) {
            for (int b = 0; b < Digest.SIZE; b++) {
                List<Digest> bad = new ArrayList<>(proof);
                bad.set(i, flip(proof.get(i), b));
                assertConsistencyFails(m, n, root1, root2, bad, "flipped byte " + b + " of hash " + i);
            }
        }
        for (int b = 0; b < Digest.SIZE; b++) {
            assertConsistencyFails(m, n, flip(root1, b), root2, proof, "flipped first root byte " + b);
            assertConsistencyFails(m, n, root1, flip(root2, b), proof, "flipped second root byte " + b);
        }
        for (long otherM : new long[] {m - 1, m + 1, m ^ 2, 0}) {
            if (otherM != m && otherM >= 0 && (otherM == 0 || otherM >= n
                    || shapeOfConsistency(otherM, n) != proof.size())) {
                assertConsistencyFails(otherM, n, root1, root2, proof, "size1 " + otherM);
            }
        }
        for (long otherN : new long[] {n - 1, n + 1, n * 2, n / 2}) {
            if (otherN != n && (otherN <= m || shapeOfConsistency(m, otherN) != proof.size())) {
                assertConsistencyFails(m, otherN, root1, root2, proof, "size2 " + otherN);
            }
        }
        assertConsistencyFails(m, n, root2, root1, proof, "swapped roots");
        assertConsistencyFails(m, n, root1, root2, proof.subList(0, proof.size() - 1), "dropped last");
        List<Digest> longer = new ArrayList<>(proof);
        longer.add(root2);
        assertConsistencyFails(m, n, root1, root2, longer, "appended root");
        List<Digest> preceded = new ArrayList<>(proof);
        preceded.add(0, proof.get(0));
        assertConsistencyFails(m, n, root1, root2, preceded, "repeated first hash");
    }

    private static void assertInclusionFails(long index, long size, Digest leaf, List<Digest> proof,
            Digest root, String change) {
        assertThatThrownBy(() -> MerkleProofs.verifyInclusion(index, size, leaf, proof, root))
                .as("inclusion %d/%d after %s", index, size, change)
                .isInstanceOf(InvalidProofException.class);
    }

    private static void assertConsistencyFails(long m, long n, Digest root1, Digest root2, List<Digest> proof,
            String change) {
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(m, n, root1, root2, proof))
                .as("consistency %d to %d after %s", m, n, change)
                .isInstanceOf(InvalidProofException.class);
    }

    private static final MerkleTree SHAPES = new MerkleTree();

    static {
        for (int i = 0; i < 4096; i++) {
            SHAPES.append(MerkleHashes.emptyRoot());
        }
    }

    private static int shapeOfInclusion(long index, long size) {
        return SHAPES.inclusionProof(index, size).size();
    }

    private static int shapeOfConsistency(long m, long n) {
        return SHAPES.consistencyProof(m, n).size();
    }

    private static Digest flip(Digest d, int byteIndex) {
        byte[] b = d.bytes();
        b[byteIndex] ^= 0x01;
        return Digest.of(b);
    }

    /** RFC 9162 section 2.1.1, 2.1.3.1 and 2.1.4.1, transcribed literally over a list of leaf hashes. */
    static final class Reference {
        static Digest mth(List<Digest> d) {
            if (d.isEmpty()) {
                return MerkleHashes.emptyRoot();
            }
            if (d.size() == 1) {
                return d.get(0);
            }
            int k = k(d.size());
            return MerkleHashes.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
        }

        static List<Digest> path(int m, List<Digest> d) {
            List<Digest> out = new ArrayList<>();
            if (d.size() == 1) {
                return out;
            }
            int k = k(d.size());
            if (m < k) {
                out.addAll(path(m, d.subList(0, k)));
                out.add(mth(d.subList(k, d.size())));
            } else {
                out.addAll(path(m - k, d.subList(k, d.size())));
                out.add(mth(d.subList(0, k)));
            }
            return out;
        }

        static List<Digest> proof(int m, List<Digest> d) {
            return subproof(m, d, true);
        }

        static List<Digest> subproof(int m, List<Digest> d, boolean b) {
            List<Digest> out = new ArrayList<>();
            if (m == d.size()) {
                if (!b) {
                    out.add(mth(d));
                }
                return out;
            }
            int k = k(d.size());
            if (m <= k) {
                out.addAll(subproof(m, d.subList(0, k), b));
                out.add(mth(d.subList(k, d.size())));
            } else {
                out.addAll(subproof(m - k, d.subList(k, d.size()), false));
                out.add(mth(d.subList(0, k)));
            }
            return out;
        }

        private static int k(int n) {
            int k = 1;
            while (k << 1 < n) {
                k <<= 1;
            }
            return k;
        }
    }
}
