using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;
using Payments.Testing;

namespace Payments.Ingress.Tests.Outbox;

/// <summary>What the outbox holds (the truth every consumer must end up with) and small API helpers.</summary>
internal static class OutboxTruth
{
    public static readonly string MerchantId = DemoMerchantOptions.Id;

    public static readonly string OtherMerchantId = MerchantSeeder.IdFor("Other merchant");

    /// <summary>One event as the outbox committed it: its id, charge, sequence and payload text.</summary>
    public sealed record OutboxEvent(string EventId, string ChargeId, int Sequence, string Payload);

    public static async Task<IReadOnlyList<OutboxEvent>> EventsAsync(TestDatabase database, string merchantId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT event_id, charge_id, sequence, payload::text FROM outbox WHERE merchant_id = $1 ORDER BY id");
        command.Parameters.AddWithValue(merchantId);
        var events = new List<OutboxEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(new OutboxEvent(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return events;
    }

    /// <summary>Registers an endpoint of the receiver for the client's merchant; returns its id.</summary>
    public static async Task<string> RegisterAsync(HttpClient merchant, WebhookReceiver receiver, string name)
    {
        using var response = await ServiceFixture.PostJsonAsync(
            merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), new JsonObject { ["url"] = receiver.UrlFor(name) }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var endpoint = await ServiceFixture.ReadObjectAsync(response);
        receiver.SetSecret(name, (string)endpoint["secret"]!);
        return (string)endpoint["id"]!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails with <paramref name="what"/> at the deadline.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) =>
        Poll.UntilAsync(condition, ok => ok, _ => what(), timeout);

    /// <summary>Polls until the receiver's endpoint has answered 200 to every expected event.</summary>
    public static Task WaitForDeliveredAsync(WebhookReceiver receiver, string endpoint, IReadOnlyList<OutboxEvent> expected, TimeSpan timeout)
    {
        int Delivered()
        {
            var got = receiver.Arrivals(endpoint).Where(a => a.Answered == WebhookReceiver.Answer.Ok).Select(a => a.EventId).ToHashSet(StringComparer.Ordinal);
            return expected.Count(e => got.Contains(e.EventId));
        }

        return WaitUntilAsync(() => Task.FromResult(Delivered() == expected.Count), timeout, () => $"{Delivered()} of {expected.Count} events delivered to {endpoint}");
    }

    /// <summary>Creates charges with at most <paramref name="parallelism"/> requests in flight; returns how many were accepted.</summary>
    public static async Task<int> CreateChargesAsync(HttpClient merchant, int count, int parallelism, CancellationToken cancellationToken = default)
    {
        var accepted = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, _) =>
        {
            try
            {
                using var response = await ServiceFixture.PostChargeAsync(merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1000 + (i % 5000)), respondAsync: true);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (HttpRequestException)
            {
                // The service was stopped under the request: whatever it committed is in the outbox.
            }
        });
        return accepted;
    }

    /// <summary>
    /// The receiver's arrivals for an endpoint checked against the outbox: every signature
    /// valid, every event present, each id's payload identical on every arrival (and equal to
    /// what the outbox committed), and per charge the sequences in order with no gap, repeats
    /// only of events already seen.
    /// </summary>
    public static void AssertReceivedExactly(IReadOnlyList<WebhookReceiver.Arrival> arrivals, IReadOnlyList<OutboxEvent> expected)
    {
        Assert.All(arrivals, a => Assert.True(a.SignatureValid, $"arrival {a.Number} ({a.EventId}) at {a.Endpoint} has a bad signature"));
        var byId = expected.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var delivered = arrivals.Where(a => a.Answered == WebhookReceiver.Answer.Ok).Select(a => a.EventId).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => !delivered.Contains(e.EventId)).Select(e => e.EventId).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} events never delivered, e.g. {string.Join(", ", missing.Take(5))}");

        var payloads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arrival in arrivals)
        {
            Assert.True(arrival.EventId is not null && byId.ContainsKey(arrival.EventId), $"arrival {arrival.Number} is not an outbox event of this merchant");
            var text = arrival.Text;
            if (payloads.TryGetValue(arrival.EventId!, out var first))
            {
                Assert.True(first == text, $"event {arrival.EventId} arrived with different payloads");
            }
            else
            {
                payloads[arrival.EventId!] = text;
                AssertSameJson(byId[arrival.EventId!].Payload, text);
            }
        }

        // Per charge, in arrival order: each new event is the next sequence; anything else is a
        // repeat of an event that arrived before.
        foreach (var charge in arrivals.GroupBy(a => a.ChargeId))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var last = 0;
            foreach (var arrival in charge.OrderBy(a => a.Number))
            {
                if (seen.Contains(arrival.EventId!))
                {
                    Assert.True(arrival.Sequence <= last, $"charge {charge.Key}: repeat of sequence {arrival.Sequence} after {last}");
                    continue;
                }

                Assert.True(arrival.Sequence == last + 1, $"charge {charge.Key}: sequence {arrival.Sequence} arrived after {last}");
                seen.Add(arrival.EventId!);
                last = arrival.Sequence;
            }
        }
    }

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"delivered payload differs from the outbox: {actual}");
}
