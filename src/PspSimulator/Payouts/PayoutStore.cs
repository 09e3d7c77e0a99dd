using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Events;
using PspSimulator.PaymentIntents;
using PspSimulator.Protocol;
using PspSimulator.Settlement;
using PspSimulator.Truth;

namespace PspSimulator.Payouts;

/// <summary>
/// Payouts. The rule money depends on: a payout never takes more than the platform's balance in its
/// currency, however many are created at once. The check and the <c>payout</c> movement that takes the
/// amount run inside <see cref="PlatformBalance.TryTake"/>, under that currency's balance lock, which
/// every other change to the balance takes too. Everything else about a payout changes under its own
/// lock with its movement and event (see <c>PayoutStore.Lifecycle.cs</c>).
/// </summary>
internal sealed partial class PayoutStore(
    SimulatorClock clock,
    EventPublisher events,
    MovementLog movements,
    PlatformBalance balance,
    PayoutSchedule schedule,
    IOptions<PayoutOptions> options,
    IOptions<SimulatorOptions> simulatorOptions,
    TimeProvider time,
    ILogger<PayoutStore> logger)
{
    private readonly ConcurrentDictionary<string, PayoutState> _payouts = new(StringComparer.Ordinal);

    // Its own index on metadata['payout_id'], with the same lag as the PaymentIntents' on charge_id.
    private readonly SearchIndex _search = new(simulatorOptions, time);
    private readonly long _inTransitAfterSeconds = (long)options.Value.InTransitAfter.TotalSeconds;
    private readonly long _arrivalAfterSeconds = (long)options.Value.ArrivalAfter.TotalSeconds;
    private readonly long _returnAfterSeconds = (long)options.Value.ReturnAfter.TotalSeconds;

    public int Count => _payouts.Count;

    public bool TryGet(string id, [MaybeNullWhen(false)] out PayoutState payout) => _payouts.TryGetValue(id, out payout);

    public StripeResponse Create(CreatePayoutRequest request, OperationContext context)
    {
        var created = clock.UnixSeconds;
        var arrivalDate = created + _arrivalAfterSeconds;
        long? returnAt = TestDestinations.IsReturnedAfterPaid(request.Destination) ? arrivalDate + _returnAfterSeconds : null;
        var payout = new PayoutState(Ids.New("po"), request, created, created + _inTransitAfterSeconds, arrivalDate, returnAt, context.IdempotencyKey);
        lock (payout.Gate)
        {
            var taken = balance.TryTake(
                request.Currency,
                request.Amount,
                () => movements.RecordPayout(MovementKind.Payout, payout.Id, request.Amount, request.Currency, context.IdempotencyKey, request.PayoutId),
                out var available);
            if (!taken)
            {
                return StripeErrors.BalanceInsufficient(request.Amount, available, request.Currency);
            }

            _payouts[payout.Id] = payout;
            if (request.PayoutId is { } payoutId)
            {
                _search.Add(payoutId, payout.Id);
            }

            schedule.Add(payout.Id, payout.InTransitAt);
            Log.PayoutMoved(logger, payout.Id, payout.Status);
            return Answer(EventTypes.PayoutCreated, payout);
        }
    }

    public StripeResponse Retrieve(string id)
    {
        if (!_payouts.TryGetValue(id, out var payout))
        {
            return StripeErrors.ResourceMissing("No such payout: '" + id + "'", "payout");
        }

        PayoutDto dto;
        lock (payout.Gate)
        {
            AdvanceIfDue(payout);
            dto = payout.ToDto();
        }

        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(dto, StripeJsonContext.Default.PayoutDto));
    }

    /// <summary>Searches by <c>metadata[payout_id]</c>; only entries past the indexing lag are seen, in their current state, newest first.</summary>
    public StripeResponse Search(string payoutId)
    {
        var found = new List<PayoutDto>();
        foreach (var id in _search.Visible(payoutId))
        {
            if (_payouts.TryGetValue(id, out var payout))
            {
                lock (payout.Gate)
                {
                    AdvanceIfDue(payout);
                    found.Add(payout.ToDto());
                }
            }
        }

        found.Sort((a, b) => b.Created.CompareTo(a.Created));
        var result = new PayoutSearchResultDto("search_result", found, false, "/v1/payouts/search", null);
        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(result, StripeJsonContext.Default.PayoutSearchResultDto));
    }

    /// <summary>Every payout as the ground truth lists it, each moved first if a step is due, in creation order.</summary>
    public List<TruthPayoutDto> Snapshot()
    {
        var rows = new List<TruthPayoutDto>(_payouts.Count);
        foreach (var payout in _payouts.Values)
        {
            lock (payout.Gate)
            {
                AdvanceIfDue(payout);
                rows.Add(new TruthPayoutDto(
                    payout.Id,
                    payout.Request.Amount,
                    payout.Request.Currency,
                    payout.Request.Destination,
                    payout.Status,
                    payout.FailureCode,
                    payout.Request.Metadata,
                    payout.Created,
                    payout.ArrivalDate));
            }
        }

        rows.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));
        return rows;
    }

    /// <summary>
    /// Forgets payouts whose last change is before the cutoff, by the same rule as PaymentIntents, and
    /// never one that money may still move for (<see cref="PayoutState.IsSettled"/>).
    /// </summary>
    public int Prune(long cutoffUnixSeconds)
    {
        var removed = 0;
        foreach (var (id, payout) in _payouts)
        {
            if (payout.Created >= cutoffUnixSeconds)
            {
                continue;
            }

            bool forgotten;
            lock (payout.Gate)
            {
                AdvanceIfDue(payout);
                forgotten = payout.IsSettled
                    && payout.LastChangedAt < cutoffUnixSeconds
                    && _payouts.TryRemove(KeyValuePair.Create(id, payout));
            }

            if (forgotten)
            {
                if (payout.Request.PayoutId is { } payoutId)
                {
                    _search.Remove(payoutId, id);
                }

                removed++;
            }
        }

        return removed;
    }

    // Called under the payout's lock: the event carries exactly the state the answer shows.
    private StripeResponse Answer(string eventType, PayoutState payout)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payout.ToDto(), StripeJsonContext.Default.PayoutDto);
        events.Publish(eventType, payout.Id, json);
        return new StripeResponse(StatusCodes.Status200OK, json);
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear()
    {
        _payouts.Clear();
        _search.Clear();
        schedule.Clear();
    }
}
