package io.rmqchaos.worker;

/**
 * A transactional producer's choices (src/fleet/transaction-choice.ts): the local transaction's
 * outcome at END_TRANSACTION and a check-back's answer, pure functions of (seed, producerId, seq),
 * so every instance of the group, in either language, answers as the message's sender would, and
 * the coordinator's ledger knows which messages must be delivered.
 */
public final class TransactionChoice {
  public enum Outcome {
    COMMIT("commit"),
    ROLLBACK("rollback"),
    UNKNOWN("unknown");

    public final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }
  }

  private TransactionChoice() {}

  /** Below commit: commit; then rollback; the rest unknown. */
  public static Outcome local(Config.Transaction rates, long seed, String producerId, long seq) {
    double point = Faulty.point(seed, "tx:" + producerId, seq);
    if (point < rates.commit) return Outcome.COMMIT;
    if (point < rates.commit + rates.rollback) return Outcome.ROLLBACK;
    return Outcome.UNKNOWN;
  }

  /** A decided message's own outcome; an unknown one resolved in the commit : rollback proportion. */
  public static Outcome checkAnswer(Config.Transaction rates, long seed, String producerId, long seq) {
    Outcome local = local(rates, seed, producerId, seq);
    if (local != Outcome.UNKNOWN) return local;
    double decided = rates.commit + rates.rollback;
    if (decided <= 0) return Outcome.COMMIT;
    return Faulty.point(seed, "check:" + producerId, seq) < rates.commit / decided ? Outcome.COMMIT : Outcome.ROLLBACK;
  }
}
