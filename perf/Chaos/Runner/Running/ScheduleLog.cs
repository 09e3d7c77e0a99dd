using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Payments.Chaos.Running;

/// <summary>What a schedule asked for and what the service took on, for the verdict.</summary>
internal sealed class ScheduleLog
{
    /// <summary>The charges the schedule made, in order, with the request that made each (for retries).</summary>
    public List<ChargeRequest> Charges { get; } = [];

    /// <summary>Every object id the service answered 200/201/202 for: charges, refunds, payouts.</summary>
    public ConcurrentDictionary<string, string> Accepted { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<int, int> Answers { get; } = new();

    public int Skipped { get; set; }

    public void Record(Answer answer, string kind)
    {
        Answers.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
        if (answer.Accepted && answer.Id is { } id)
        {
            Accepted.TryAdd(id, kind);
        }
    }
}

/// <summary>A charge request as sent, and the charge id it got (null while none came back).</summary>
internal sealed class ChargeRequest(string key, JsonObject body)
{
    public string Key { get; } = key;

    public JsonObject Body { get; } = body;

    public string? Id { get; set; }
}
