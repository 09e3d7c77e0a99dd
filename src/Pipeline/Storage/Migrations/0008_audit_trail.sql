-- The audit trail is kept forever, like the ledger: support and regulators read a charge's
-- moves from it, so the database itself refuses to rewrite or remove any of it.
CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER charge_events_append_only
    BEFORE UPDATE OR DELETE ON charge_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER charge_events_no_truncate
    BEFORE TRUNCATE ON charge_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

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
