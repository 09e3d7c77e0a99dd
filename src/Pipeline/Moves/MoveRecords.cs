namespace Payments.Pipeline.Moves;

/// <summary>
/// What every move of a charge or of one of its refunds writes besides its own row, in the
/// same statement and so the same transaction (invariant 6): the audit row, the outbox event
/// with the charge's next sequence, and, when money moved, the ledger journal whose entries
/// come from the posting rules (<c>ledger_postings</c>, 0009_posting_rules.sql, with a charge's
/// splits 0020_sellers_and_splits.sql). Written once
/// here; each aggregate's statement updates its own row conditionally (the race check) and
/// then names what moved in a CTE called <c>moves</c>, with these columns:
/// <list type="bullet">
/// <item><c>charge_id, refund_id, dispute_id, merchant_id, currency</c>: whose move (refund_id and dispute_id
/// null for the charge's own)</item>
/// <item><c>from_status, to_status, actor, reason</c>: the audit row</item>
/// <item><c>event_id, event_type, sequence, occurred_at, payload</c>: the outbox event</item>
/// <item><c>posting, journal_reference, posting_amount, fee, split_captured, journal_description</c> (for <see cref="Write"/>
/// only; a statement whose moves never move money uses <see cref="WriteWithoutMoney"/>): the journal; posting
/// is a movement of the posting rules (<c>capture</c>, <c>refund</c>, <c>dispute</c>, <c>dispute_won</c>)
/// or null when no money moved; the reference (unique) refuses posting one movement twice;
/// split_captured is the charge's captured amount when it has splits (the sellers' shares are
/// of it; at capture, the amount this move captured), else null, and then the splits are not read</item>
/// </list>
/// </summary>
internal static class MoveRecords
{
    /// <summary>
    /// The CTEs that follow <c>moves</c> of a statement whose moves never move money (a charge's
    /// intent): the audit row and the event only. Without the journal's CTEs the statement fires no
    /// ledger trigger at all; with them, every group commit of intents ran the journal's CTEs and the
    /// ledger's statement-level checks over nothing, about 0.8 ms of PostgreSQL's time each
    /// (perf/RESULTS.md, "Throughput (issue 17, fourth session)").
    /// </summary>
    public const string WriteWithoutMoney = """
        audit AS (
            INSERT INTO charge_events (charge_id, refund_id, dispute_id, from_status, to_status, actor, reason)
            SELECT charge_id, refund_id, dispute_id, from_status, to_status, actor, reason
            FROM moves
        ),
        events AS (
            INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
            SELECT event_id, merchant_id, charge_id, sequence, event_type,
                   event_json(event_id, event_type, occurred_at, charge_id, sequence, payload), occurred_at
            FROM moves
        )
        """;

    /// <summary>The CTEs that follow <c>moves</c>; the statement's own final SELECT comes after.</summary>
    public const string Write = WriteWithoutMoney + """
        ,
        journal AS (
            INSERT INTO ledger_journals (reference, charge_id, refund_id, dispute_id, description)
            SELECT journal_reference, charge_id, refund_id, dispute_id, journal_description
            FROM moves
            WHERE posting IS NOT NULL
            RETURNING id, reference
        ),
        entries AS (
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT j.id, p.posting_account, p.posting_amount, m.currency
            FROM journal AS j
            JOIN moves AS m ON m.journal_reference = j.reference
            CROSS JOIN LATERAL ledger_postings(m.posting, m.merchant_id, m.posting_amount, m.fee, m.charge_id, m.split_captured) AS p
        )
        """;
}
