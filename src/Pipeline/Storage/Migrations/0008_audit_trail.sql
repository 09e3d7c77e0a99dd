-- The audit trail is kept forever, like the ledger: support and regulators read a charge's
-- moves from it, so the database itself refuses to rewrite or remove any of it. One function
-- refuses for both (what it protects is its trigger's argument); the ledger's triggers move to
-- it, and its first function goes.
CREATE FUNCTION refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % on % is refused', TG_ARGV[0], TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

DROP TRIGGER ledger_journals_append_only ON ledger_journals;
DROP TRIGGER ledger_journals_no_truncate ON ledger_journals;
DROP TRIGGER ledger_entries_append_only ON ledger_entries;
DROP TRIGGER ledger_entries_no_truncate ON ledger_entries;
DROP FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite('the ledger');
CREATE TRIGGER ledger_journals_no_truncate BEFORE TRUNCATE ON ledger_journals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite('the ledger');
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite('the ledger');
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite('the ledger');
CREATE TRIGGER charge_events_append_only BEFORE UPDATE OR DELETE ON charge_events
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite('the audit trail');
CREATE TRIGGER charge_events_no_truncate BEFORE TRUNCATE ON charge_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite('the audit trail');

-- One move of a charge (or of one of its refunds) as GET /v1/charges/{id}/history shows it.
CREATE FUNCTION charge_event_json(e charge_events) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'object', 'charge_event',
        'id', e.id,
        'charge', e.charge_id,
        'refund', e.refund_id,
        'from_status', e.from_status,
        'to_status', e.to_status,
        'actor', e.actor,
        'reason', e.reason,
        'created_at', api_time(e.created_at))
$$;
