using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Payments.Ingress.OpenApi;

/// <summary>
/// The shapes of the merchant and operator APIs, as the contract (docs: merchant-api.md) states them.
/// Objects are rendered by the database, not serialized from C# types, so their schemas are
/// written here, one per object, and routes name them (<see cref="ApiDescriptionExtensions"/>).
/// A name ending in <see cref="ListSuffix"/> is the list of that object.
/// </summary>
internal static class ApiSchemas
{
    public const string ListSuffix = "List";
    public const string Problem = "Problem";

    public const string Charge = "Charge";
    public const string ChargeMove = "ChargeMove";
    public const string Refund = "Refund";
    public const string Dispute = "Dispute";
    public const string Event = "Event";
    public const string Seller = "Seller";
    public const string Balance = "Balance";
    public const string Payout = "Payout";
    public const string WebhookEndpoint = "WebhookEndpoint";
    public const string DeletedWebhookEndpoint = "DeletedWebhookEndpoint";
    public const string WebhookDelivery = "WebhookDelivery";
    public const string Redelivery = "Redelivery";
    public const string ApiKey = "ApiKey";
    public const string ReconciliationRun = "ReconciliationRun";
    public const string Discrepancy = "Discrepancy";
    public const string LedgerBalance = "LedgerBalance";

    public const string ChargeRequest = "ChargeRequest";
    public const string CaptureRequest = "CaptureRequest";
    public const string RefundRequest = "RefundRequest";
    public const string SellerRequest = "SellerRequest";
    public const string PayoutRequest = "PayoutRequest";
    public const string WebhookEndpointRequest = "WebhookEndpointRequest";
    public const string KeyRollRequest = "KeyRollRequest";
    public const string ReconciliationRunRequest = "ReconciliationRunRequest";
    public const string ResolveRequest = "ResolveRequest";
    public const string EmptyRequest = "EmptyRequest";

    public static string ListOf(string schema) => schema + ListSuffix;

    /// <summary>Every schema, lists included, by name.</summary>
    public static Dictionary<string, IOpenApiSchema> All()
    {
        var money = Object(required: ["amount", "currency"], ("amount", Integer()), ("currency", Currency()));
        var objects = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            [Charge] = Object(
                ["id", "object", "amount", "currency", "status", "created_at"],
                ("id", String("`ch_…`")), ("object", Const("charge")), ("amount", Integer()), ("currency", Currency()),
                ("status", Enum("pending", "authorized", "captured", "failed", "voided")),
                ("pending_reason", Nullable(String("`awaiting_psp`, `outcome_unknown`, `psp_unavailable`, … while pending"))),
                ("capture", Boolean()), ("amount_authorized", Integer()), ("amount_captured", Integer()), ("amount_refunded", Integer()),
                ("amount_disputed", Integer()), ("dispute", Nullable(String("`dsp_…`"))), ("payment_method", String("`pm_…`")),
                ("order_id", Nullable(String())), ("description", Nullable(String())),
                ("failure_code", Nullable(String())), ("failure_message", Nullable(String())),
                ("cancellation_reason", Nullable(Enum("expired", "requested"))), ("psp_reference", Nullable(String("`pi_…`"))),
                ("metadata", StringMap()), ("suspected_duplicate_of", Nullable(String("`ch_…`"))),
                ("splits", Nullable(Array(Object(["seller", "amount"], ("seller", String("`sel_…`")), ("amount", Integer()))))),
                ("created_at", Time()), ("updated_at", Time())),
            [ChargeMove] = Object(
                ["object", "id", "from_status", "to_status", "created_at"],
                ("object", Const("charge_event")), ("id", String()), ("charge", Nullable(String())), ("refund", Nullable(String())),
                ("dispute", Nullable(String())), ("from_status", Nullable(String())), ("to_status", String()),
                ("actor", String()), ("reason", Nullable(String())), ("created_at", Time())),
            [Refund] = Object(
                ["id", "object", "charge", "amount", "currency", "status", "origin", "created_at"],
                ("id", String("`rf_…`")), ("object", Const("refund")), ("charge", String("`ch_…`")), ("amount", Integer()), ("currency", Currency()),
                ("status", Enum("pending", "succeeded", "failed")), ("pending_reason", Nullable(String())), ("reason", Nullable(String())),
                ("origin", Enum("api", "psp")), ("failure_code", Nullable(String())), ("failure_message", Nullable(String())),
                ("psp_reference", Nullable(String())), ("created_at", Time()), ("updated_at", Time())),
            [Dispute] = Object(
                ["id", "object", "charge", "amount", "currency", "status", "created_at"],
                ("id", String("`dsp_…`")), ("object", Const("dispute")), ("charge", String("`ch_…`")), ("amount", Integer()), ("currency", Currency()),
                ("fee", Integer()), ("reason", String()), ("status", Enum("needs_response", "under_review", "won", "lost")),
                ("created_at", Time()), ("updated_at", Time())),
            [Event] = Object(
                ["id", "object", "type", "created_at", "sequence", "data"],
                ("id", String("`evt_…`")), ("object", Const("event")), ("type", String("`charge.captured`, `refund.succeeded`, `dispute.created`, `payout.paid`, …")),
                ("created_at", Time()), ("charge_id", Nullable(String())), ("payout_id", Nullable(String())),
                ("sequence", Integer("From 1 per charge (or payout), without gaps.")), ("data", new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The object after the change." })),
            [Seller] = Object(
                ["id", "object", "name", "bank_account", "created_at"],
                ("id", String("`sel_…`")), ("object", Const("seller")), ("name", String()), ("bank_account", String("`ba_…`")), ("created_at", Time())),
            [Balance] = Object(
                ["object", "available", "pending"],
                ("object", Const("balance")), ("available", Array(money)), ("pending", Array(money))),
            [Payout] = Object(
                ["id", "object", "amount", "currency", "status", "created_at"],
                ("id", String("`pyt_…`")), ("object", Const("payout")), ("seller", Nullable(String("`sel_…`; null: the merchant itself"))),
                ("amount", Integer()), ("currency", Currency()), ("status", Enum("pending", "paid", "failed")),
                ("failure_code", Nullable(String())), ("psp_reference", Nullable(String("`po_…`"))), ("created_at", Time()), ("updated_at", Time())),
            [WebhookEndpoint] = Object(
                ["id", "object", "url", "status", "created_at"],
                ("id", String("`we_…`")), ("object", Const("webhook_endpoint")), ("url", String()), ("status", String()),
                ("secret", Nullable(String("`whsec_…`: only in the answer that created the endpoint."))), ("created_at", Time())),
            [DeletedWebhookEndpoint] = Object(
                ["id", "object", "deleted"],
                ("id", String("`we_…`")), ("object", Const("webhook_endpoint")), ("deleted", Boolean())),
            [WebhookDelivery] = Object(
                ["id", "object", "endpoint_id", "event_id", "status", "attempts", "created_at"],
                ("id", String()), ("object", Const("webhook_delivery")), ("endpoint_id", String()), ("event_id", String()), ("event_type", String()),
                ("charge_id", Nullable(String())), ("sequence", Integer()), ("status", String("`pending`, `delivered`, `failed`")),
                ("attempts", Integer()), ("last_status_code", Nullable(Integer())), ("last_error", Nullable(String())),
                ("next_attempt_at", Nullable(Time())), ("delivered_at", Nullable(Time())), ("created_at", Time()), ("updated_at", Time())),
            [Redelivery] = Object(
                ["object", "endpoint_id", "requeued"],
                ("object", Const("redelivery")), ("endpoint_id", String()), ("requeued", Integer("Failed deliveries queued again."))),
            [ApiKey] = Object(
                ["id", "object", "merchant", "prefix", "status", "created_at"],
                ("id", String()), ("object", Const("api_key")), ("merchant", String()), ("prefix", String()), ("origin", String()),
                ("status", String()), ("secret", Nullable(String("The new key: only in the answer that rolled it; null on a replay."))),
                ("created_at", Time()), ("revoked_at", Nullable(Time()))),
            [ReconciliationRun] = Object(
                ["id", "object", "date", "status", "created_at"],
                ("id", String("`rr_…`")), ("object", Const("reconciliation_run")), ("date", Date()),
                ("status", Enum("running", "completed", "failed")), ("lines", Integer()), ("matched", Integer()), ("healed", Integer()),
                ("discrepancies", Integer()), ("psp_balance", Array(money)), ("ledger_psp_balance", Array(money)),
                ("created_at", Time()), ("completed_at", Nullable(Time()))),
            [Discrepancy] = Object(
                ["id", "object", "kind", "status", "run", "created_at"],
                ("id", String("`dc_…`")), ("object", Const("discrepancy")),
                ("kind", String("`missing_at_psp`, `unknown_at_psp`, `amount_mismatch`, `currency_mismatch`, `duplicate_line`, `balance_mismatch`, or a healed movement")),
                ("status", Enum("open", "healed", "resolved")), ("run", String("`rr_…`")), ("charge", Nullable(String())),
                ("psp_reference", Nullable(String())), ("expected", Nullable(money)), ("reported", Nullable(money)),
                ("detail", Nullable(String())), ("resolution", Nullable(String())), ("created_at", Time())),
            [LedgerBalance] = Object(
                ["account", "currency", "balance"],
                ("account", String("e.g. `psp_receivable`")), ("currency", Currency()), ("balance", Integer())),

            [ChargeRequest] = Object(
                ["amount", "currency", "payment_method"],
                ("amount", Integer(minimum: 1, maximum: 99_999_999)), ("currency", Currency()), ("payment_method", String("A PSP payment-method token (`pm_…`); never a card number.")),
                ("capture", Boolean("true (default): charge at once; false: only authorize.")), ("order_id", String(maxLength: 128)),
                ("description", String()), ("metadata", StringMap(maxProperties: 20)),
                ("splits", Array(Object(["seller", "amount"], ("seller", String("`sel_…`")), ("amount", Integer(minimum: 1))), maxItems: 10)),
                ("allow_duplicate", Boolean("Send true to make a second charge that looks like a recent one."))),
            [CaptureRequest] = Object([], ("amount", Integer("Default: all that was authorized.", minimum: 1))),
            [RefundRequest] = Object([], ("amount", Integer("Default: what is left to refund.", minimum: 1)), ("reason", String())),
            [SellerRequest] = Object(["name", "bank_account"], ("name", String()), ("bank_account", String("`ba_…`"))),
            [PayoutRequest] = Object(
                ["currency"],
                ("seller", String("`sel_…`; omitted: the merchant itself.")), ("currency", Currency()), ("amount", Integer("Default: all that is available.", minimum: 1))),
            [WebhookEndpointRequest] = Object(["url"], ("url", String("https to a public address."))),
            [KeyRollRequest] = Object([], ("expire_old_in_seconds", Integer("How long the old keys keep working (at most a week)."))),
            [ReconciliationRunRequest] = Object(["date"], ("date", Date())),
            [ResolveRequest] = Object(["resolution"], ("resolution", String("The operator's note."))),
            [EmptyRequest] = Object([]),

            [Problem] = Object(
                ["type", "title", "status", "code"],
                ("type", String()), ("title", String()), ("status", Integer()), ("detail", String()),
                ("code", Enum([.. ApiProblemCodes.All.Keys])),
                ("errors", new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "With `invalid_request`: the problems per field.",
                    AdditionalProperties = Array(String()),
                }),
                ("charge_id", String("With `duplicate_order` and `suspected_duplicate`: the earlier charge.")),
                ("available", Integer("With `insufficient_available_balance`."))),
        };

        foreach (var name in new[] { Charge, ChargeMove, Refund, Dispute, Event, Seller, Payout, WebhookEndpoint, WebhookDelivery, ApiKey, ReconciliationRun, Discrepancy, LedgerBalance })
        {
            objects[ListOf(name)] = Object(
                ["object", "data", "has_more"],
                ("object", Const("list")), ("data", Array(new OpenApiSchemaReference(name))), ("has_more", Boolean()));
        }

        return objects;
    }

    private static OpenApiSchema Object(string[] required, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(required, StringComparer.Ordinal),
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema, StringComparer.Ordinal),
    };

    private static OpenApiSchema String(string? description = null, int? maxLength = null) =>
        new() { Type = JsonSchemaType.String, Description = description, MaxLength = maxLength };

    private static OpenApiSchema Integer(string? description = null, long? minimum = null, long? maximum = null) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int64",
        Description = description,
        Minimum = minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static OpenApiSchema Boolean(string? description = null) => new() { Type = JsonSchemaType.Boolean, Description = description };

    private static OpenApiSchema Currency() =>
        new() { Type = JsonSchemaType.String, Pattern = "^[A-Z]{3}$", Description = "Upper-case ISO 4217 code." };

    private static OpenApiSchema Time() => new() { Type = JsonSchemaType.String, Format = "date-time" };

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    private static OpenApiSchema Const(string value) =>
        new() { Type = JsonSchemaType.String, Enum = [JsonValue.Create(value)] };

    private static OpenApiSchema Enum(params string[] values) =>
        new() { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };

    private static OpenApiSchema Array(IOpenApiSchema items, int? maxItems = null) =>
        new() { Type = JsonSchemaType.Array, Items = items, MaxItems = maxItems };

    private static OpenApiSchema StringMap(int? maxProperties = null) => new()
    {
        Type = JsonSchemaType.Object,
        MaxProperties = maxProperties,
        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 500 },
    };

    /// <summary>The value or <c>null</c> (OpenAPI 3.1: null is one of the types).</summary>
    private static OpenApiSchema Nullable(OpenApiSchema schema)
    {
        schema.Type |= JsonSchemaType.Null;
        if (schema.Enum is { Count: > 0 } values)
        {
            values.Add(null!);
        }

        return schema;
    }
}
