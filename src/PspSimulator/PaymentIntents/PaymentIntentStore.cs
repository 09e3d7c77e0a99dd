using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Events;
using PspSimulator.Protocol;
using PspSimulator.Truth;

namespace PspSimulator.PaymentIntents;

/// <summary>
/// PaymentIntents and their state machine. Each change happens under the intent's own lock together
/// with the money movement it records and the event it publishes; there is no lock across intents.
/// Every path that reads or changes an intent first lets an expired authorization expire (see
/// <c>PaymentIntentStore.Expiry.cs</c>).
/// </summary>
internal sealed partial class PaymentIntentStore(
    SimulatorClock clock,
    EventPublisher events,
    MovementLog movements,
    SearchIndex search,
    AuthorizationExpiryQueue expiries,
    IOptions<SimulatorOptions> options)
{
    private readonly ConcurrentDictionary<string, PaymentIntentState> _intents = new(StoreSizing.ConcurrencyLevel, StoreSizing.InitialCapacity, StringComparer.Ordinal);
    private readonly long _authorizationValiditySeconds = (long)options.Value.AuthorizationValidity.TotalSeconds;

    public int Count => _intents.Count;

    public IEnumerable<PaymentIntentState> All => _intents.Values;

    public bool TryGet(string id, [MaybeNullWhen(false)] out PaymentIntentState state) => _intents.TryGetValue(id, out state);

    public StripeResponse Create(CreatePaymentIntentRequest request, OperationContext context)
    {
        var state = new PaymentIntentState(Ids.New("pi"), request, clock.UnixSeconds);
        var decline = TestPaymentMethods.FixedDecline(request.PaymentMethod) ?? context.RollDecline(request.PaymentMethod);
        lock (state.Gate)
        {
            _intents[state.Id] = state;
            if (request.ChargeId is { } chargeId)
            {
                search.Add(chargeId, state.Id);
            }

            if (decline is not null)
            {
                state.Status = PaymentIntentStatus.RequiresPaymentMethod;
                state.LastPaymentError = new PaymentErrorDto("card_error", "card_declined", decline, StripeErrors.DeclineMessage(decline));
                var declined = state.ToDto();
                Publish(EventTypes.PaymentIntentPaymentFailed, state, declined);
                return StripeErrors.CardDeclined(decline, declined);
            }

            movements.Record(MovementKind.Authorize, state.Id, null, request.Amount, request.Currency, context.IdempotencyKey, request.ChargeId);
            if (request.CaptureMethod == CreatePaymentIntentRequest.Manual)
            {
                state.Status = PaymentIntentStatus.RequiresCapture;
                state.AmountCapturable = request.Amount;
                state.CaptureBefore = state.Created + _authorizationValiditySeconds;
                expiries.Add(state.Id, state.CaptureBefore.Value);
                return Answer(EventTypes.PaymentIntentAmountCapturableUpdated, state);
            }

            movements.Record(MovementKind.Capture, state.Id, null, request.Amount, request.Currency, context.IdempotencyKey, request.ChargeId);
            state.Status = PaymentIntentStatus.Succeeded;
            state.AmountReceived = request.Amount;
            return Answer(EventTypes.PaymentIntentSucceeded, state);
        }
    }

    /// <summary>Captures all or part of the authorized amount; the rest is released.</summary>
    public StripeResponse Capture(string id, long? amountToCapture, OperationContext context)
    {
        if (!_intents.TryGetValue(id, out var state))
        {
            return NoSuchIntent(id);
        }

        lock (state.Gate)
        {
            ExpireIfDue(state);
            if (state.Status != PaymentIntentStatus.RequiresCapture)
            {
                return StripeErrors.UnexpectedState(
                    "This PaymentIntent could not be captured because it has a status of " + state.Status + ".",
                    state.ToDto());
            }

            var amount = amountToCapture ?? state.AmountCapturable;
            if (amount > state.AmountCapturable)
            {
                return StripeErrors.InvalidRequest(
                    "The amount_to_capture must be less than or equal to the amount_capturable.",
                    "amount_to_capture",
                    "amount_too_large");
            }

            movements.Record(MovementKind.Capture, state.Id, null, amount, state.Request.Currency, context.IdempotencyKey, state.Request.ChargeId);
            state.Status = PaymentIntentStatus.Succeeded;
            state.AmountReceived = amount;
            state.AmountCapturable = 0;
            state.LastChangedAt = clock.UnixSeconds;
            return Answer(EventTypes.PaymentIntentSucceeded, state);
        }
    }

    /// <summary>Cancels through the API with a caller's reason (<see cref="CancellationReasons"/>).</summary>
    public StripeResponse Cancel(string id, string reason)
    {
        if (!_intents.TryGetValue(id, out var state))
        {
            return NoSuchIntent(id);
        }

        lock (state.Gate)
        {
            ExpireIfDue(state);
            if (state.Status is not PaymentIntentStatus.RequiresCapture and not PaymentIntentStatus.RequiresPaymentMethod)
            {
                return StripeErrors.UnexpectedState(
                    "You cannot cancel this PaymentIntent because it has a status of " + state.Status + ".",
                    state.ToDto());
            }

            return CancelHeld(state, reason);
        }
    }

    public StripeResponse Retrieve(string id)
    {
        if (!_intents.TryGetValue(id, out var state))
        {
            return NoSuchIntent(id);
        }

        PaymentIntentDto dto;
        lock (state.Gate)
        {
            ExpireIfDue(state);
            dto = state.ToDto();
        }

        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(dto, StripeJsonContext.Default.PaymentIntentDto));
    }

    /// <summary>Searches by charge id; only entries past the indexing lag are seen, in their current state.</summary>
    public StripeResponse Search(string chargeId)
    {
        var found = new List<PaymentIntentDto>();
        foreach (var id in search.Visible(chargeId))
        {
            if (_intents.TryGetValue(id, out var state))
            {
                lock (state.Gate)
                {
                    ExpireIfDue(state);
                    found.Add(state.ToDto());
                }
            }
        }

        found.Sort((a, b) => b.Created.CompareTo(a.Created));
        var result = new SearchResultDto("search_result", found, false, "/v1/payment_intents/search", null);
        return new StripeResponse(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(result, StripeJsonContext.Default.SearchResultDto));
    }

    /// <summary>
    /// Forgets intents whose last change is before the cutoff and hands each to <paramref name="forget"/>.
    /// Retention counts from the last change, not from creation, so that an intent a dispute or an expiry
    /// changed late stays readable as long as the event that announced it; and an authorization awaiting
    /// capture is never forgotten, because its expiry (validity 7 days, retention 72 h by default) is still
    /// to come and must be seen.
    /// </summary>
    public int Prune(long cutoffUnixSeconds, Action<PaymentIntentState> forget)
    {
        var removed = 0;
        foreach (var (id, state) in _intents)
        {
            // Created is never after the last change: most intents are skipped without their lock.
            if (state.Created >= cutoffUnixSeconds)
            {
                continue;
            }

            bool forgotten;
            lock (state.Gate)
            {
                forgotten = state.Status != PaymentIntentStatus.RequiresCapture
                    && state.LastChangedAt < cutoffUnixSeconds
                    && _intents.TryRemove(KeyValuePair.Create(id, state));
            }

            if (forgotten)
            {
                if (state.Request.ChargeId is { } chargeId)
                {
                    search.Remove(chargeId, id);
                }

                forget(state);
                removed++;
            }
        }

        return removed;
    }

    private static StripeResponse NoSuchIntent(string id) =>
        StripeErrors.ResourceMissing("No such payment_intent: '" + id + "'", "intent");

    // Called under the intent's lock. Releasing an authorization moves no money, so nothing is recorded
    // in the movement log: the truth shows the release as the intent's status and amount_capturable 0.
    private StripeResponse CancelHeld(PaymentIntentState state, string reason)
    {
        state.Status = PaymentIntentStatus.Canceled;
        state.AmountCapturable = 0;
        state.CanceledAt = clock.UnixSeconds;
        state.CancellationReason = reason;
        state.LastChangedAt = state.CanceledAt.Value;
        return Answer(EventTypes.PaymentIntentCanceled, state);
    }

    // Called under the intent's lock: the event carries exactly the state the answer shows.
    private StripeResponse Answer(string eventType, PaymentIntentState state)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(state.ToDto(), StripeJsonContext.Default.PaymentIntentDto);
        events.Publish(eventType, state.Id, json);
        return new StripeResponse(StatusCodes.Status200OK, json);
    }

    private void Publish(string eventType, PaymentIntentState state, PaymentIntentDto dto) =>
        events.Publish(eventType, state.Id, JsonSerializer.SerializeToUtf8Bytes(dto, StripeJsonContext.Default.PaymentIntentDto));

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear()
    {
        _intents.Clear();
        search.Clear();
        expiries.Clear();
    }
}
