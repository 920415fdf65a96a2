package io.tokenport.audit;

/**
 * What {@link TransferLog#open} found on disk.
 *
 * @param records the number of complete records in the log
 * @param truncatedBytes bytes of a torn trailing frame (an append cut short by a crash) that were removed
 * @param hashedRecords records whose leaf hash had to be computed from the record file, because the stored
 *     tree state did not cover them
 */
public record Recovery(long records, long truncatedBytes, long hashedRecords) {
}
