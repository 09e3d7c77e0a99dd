namespace Payments.Pipeline.Payouts;

/// <summary>
/// What every move of a payout writes besides its own row, in the same statement (invariant 6):
/// the audit row, the outbox event in the payout's own sequence when the merchant sees a change,
/// and the journal when money moves, its entries from the payouts' posting rules
/// (<c>payout_postings</c>, 0021_payouts.sql). Each statement updates the payout conditionally
/// (the race check) and names what moved in a CTE called <c>moves</c>, with these columns:
/// <list type="bullet">
/// <item><c>payout_id, merchant_id, currency, account_id</c>: whose move, and the payable it draws on</item>
/// <item><c>from_status, to_status, actor, reason</c>: the audit row</item>
/// <item><c>event_id, event_type, sequence, occurred_at, payload</c>: the outbox event; event_type null for none</item>
/// <item><c>posting, journal_reference, amount, journal_description</c>: the journal; posting null for none; the
/// reference (unique) refuses posting one movement twice</item>
/// </list>
/// </summary>
internal static class PayoutRecords
{
    public const string Write = """
        audit AS (
            INSERT INTO payout_events (payout_id, from_status, to_status, actor, reason)
            SELECT payout_id, from_status, to_status, actor, reason
            FROM moves
        ),
        events AS (
            INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
            SELECT event_id, merchant_id, payout_id, sequence, event_type,
                   payout_event_json(event_id, event_type, occurred_at, payout_id, sequence, payload), occurred_at
            FROM moves
            WHERE event_type IS NOT NULL
        ),
        journal AS (
            INSERT INTO ledger_journals (reference, payout_id, description)
            SELECT journal_reference, payout_id, journal_description
            FROM moves
            WHERE posting IS NOT NULL
            RETURNING id, reference
        ),
        entries AS (
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT j.id, p.posting_account, p.posting_amount, m.currency
            FROM journal AS j
            JOIN moves AS m ON m.journal_reference = j.reference
            CROSS JOIN LATERAL payout_postings(m.posting, m.account_id, m.amount) AS p
        )
        """;
}
