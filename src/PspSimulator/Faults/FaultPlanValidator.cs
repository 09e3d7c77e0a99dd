using System.Globalization;
using PspSimulator.Protocol;

namespace PspSimulator.Faults;

/// <summary>Checks a fault plan, from configuration at start or from <c>PUT /_sim/faults</c>.</summary>
internal static class FaultPlanValidator
{
    private const int MaxMilliseconds = 600_000;

    public static List<string> Validate(FaultPlan plan, string prefix)
    {
        var errors = new List<string>();
        Range(errors, plan.LatencyMs, prefix + "latency_ms");
        if (plan.Timeout is { } timeout)
        {
            Rate(errors, timeout.Rate, prefix + "timeout.rate");
            Between(errors, timeout.HoldMs, 0, MaxMilliseconds, prefix + "timeout.hold_ms");
            Operations(errors, timeout.Operations, prefix + "timeout.operations");
            MaxCount(errors, timeout.MaxCount, prefix + "timeout.max_count");
            if (timeout.Answer is not null and not "close" and not "500")
            {
                errors.Add(prefix + "timeout.answer must be \"close\" or \"500\".");
            }
        }

        Request(errors, plan.Error500Before, prefix + "error_500_before");
        Request(errors, plan.Error500After, prefix + "error_500_after");
        Request(errors, plan.ResetAfter, prefix + "reset_after");
        Request(errors, plan.RateLimit, prefix + "rate_limit");
        if (plan.GatewayError is { } gateway)
        {
            Rate(errors, gateway.Rate, prefix + "gateway_error.rate");
            Operations(errors, gateway.Operations, prefix + "gateway_error.operations");
            MaxCount(errors, gateway.MaxCount, prefix + "gateway_error.max_count");
            if (!GatewayErrorFault.Statuses.Contains(gateway.Status))
            {
                errors.Add(prefix + "gateway_error.status must be one of " + string.Join(", ", GatewayErrorFault.Statuses) + ".");
            }
        }

        if (plan.Tamper is { } tamper)
        {
            Rate(errors, tamper.Rate, prefix + "tamper.rate");
            Operations(errors, tamper.Operations, prefix + "tamper.operations");
            MaxCount(errors, tamper.MaxCount, prefix + "tamper.max_count");
            if (tamper.Field is not TamperFault.Amount and not TamperFault.AmountReceived and not TamperFault.ChargeId)
            {
                errors.Add(prefix + "tamper.field must be \"amount\", \"amount_received\" or \"charge_id\".");
            }
        }

        if (plan.Decline is { } decline)
        {
            Rate(errors, decline.Rate, prefix + "decline.rate");
            Rate(errors, decline.InsufficientFundsShare, prefix + "decline.insufficient_funds_share");
            Operations(errors, decline.Operations, prefix + "decline.operations");
            MaxCount(errors, decline.MaxCount, prefix + "decline.max_count");
        }

        if (plan.Outage is { } outage)
        {
            Between(errors, outage.DurationMs, 0, int.MaxValue, prefix + "outage.duration_ms");
            if (outage.Mode is not OutageFault.Mode503 and not OutageFault.ModeRefuse)
            {
                errors.Add(prefix + "outage.mode must be \"503\" or \"refuse\".");
            }
        }

        if (plan.Webhooks is { } webhooks)
        {
            Rate(errors, webhooks.DuplicateRate, prefix + "webhooks.duplicate_rate");
            Rate(errors, webhooks.ReorderRate, prefix + "webhooks.reorder_rate");
            Rate(errors, webhooks.DropRate, prefix + "webhooks.drop_rate");
            Range(errors, webhooks.DelayMs, prefix + "webhooks.delay_ms");
            Between(errors, webhooks.DuplicateCopies ?? 2, 1, 100, prefix + "webhooks.duplicate_copies");
            Between(errors, webhooks.RetryMaxAttempts ?? 1, 1, 100, prefix + "webhooks.retry_max_attempts");
            Between(errors, webhooks.RetryBaseDelayMs ?? 0, 0, MaxMilliseconds, prefix + "webhooks.retry_base_delay_ms");
            Between(errors, webhooks.ReorderMaxHoldMs ?? 0, 0, MaxMilliseconds, prefix + "webhooks.reorder_max_hold_ms");
        }

        return errors;
    }

    private static void Request(List<string> errors, RequestFault? fault, string name)
    {
        if (fault is null)
        {
            return;
        }

        Rate(errors, fault.Rate, name + ".rate");
        Operations(errors, fault.Operations, name + ".operations");
        MaxCount(errors, fault.MaxCount, name + ".max_count");
    }

    private static void Rate(List<string> errors, double rate, string name)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            errors.Add(name + " must be between 0 and 1.");
        }
    }

    private static void Range(List<string> errors, LatencyRange? range, string name)
    {
        if (range is null)
        {
            return;
        }

        Between(errors, range.Min, 0, MaxMilliseconds, name + ".min");
        Between(errors, range.Max, range.Min, MaxMilliseconds, name + ".max");
    }

    private static void MaxCount(List<string> errors, int? maxCount, string name)
    {
        if (maxCount is < 0)
        {
            errors.Add(name + " must not be negative.");
        }
    }

    private static void Between(List<string> errors, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}."));
        }
    }

    private static void Operations(List<string> errors, IReadOnlyList<string>? operations, string name)
    {
        foreach (var operation in operations ?? [])
        {
            if (!OperationNames.IsKnown(operation))
            {
                errors.Add(name + " has an unknown operation '" + operation + "' (known: " + string.Join(", ", OperationNames.All) + ").");
            }
        }
    }
}
