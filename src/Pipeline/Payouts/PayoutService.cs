using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Ledger;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Sellers;

namespace Payments.Pipeline.Payouts;

/// <summary>
/// Payouts as the ingress sees them: the payout is recorded (its amount reserved from what the
/// payee has available) before anything is sent, then its first call runs in the background while
/// the request waits a bounded time, as a charge's does. The call is not the request's: a client
/// that hangs up does not cancel it, and a crash leaves the row to the payout sweep.
/// </summary>
internal sealed class PayoutService(
    PayoutStore store, PayoutProcessor processor, MerchantStore merchants, SellerStore sellers, IOptions<ChargeOptions> options,
    IHostApplicationLifetime lifetime, ILogger<PayoutService> logger)
{
    private readonly ChargeOptions _options = options.Value;

    public async Task<PayoutAnswer> CreateAsync(PayoutRequest request, bool respondAsync, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ReplayAsync(request, cancellationToken).ConfigureAwait(false) is { } replay)
        {
            return replay;
        }

        string accountId;
        string destination;
        if (request.SellerId is { } sellerId)
        {
            if (await sellers.FindBankAccountAsync(request.MerchantId, sellerId, cancellationToken).ConfigureAwait(false) is not { } bankAccount)
            {
                return new PayoutAnswer.UnknownSeller();
            }

            accountId = LedgerAccounts.SellerPayable(sellerId);
            destination = bankAccount;
        }
        else
        {
            var merchant = await merchants.FindAsync(request.MerchantId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Merchant {request.MerchantId} vanished.");
            accountId = LedgerAccounts.MerchantPayable(merchant.Id);
            destination = merchant.BankAccount;
        }

        var inserted = await store.InsertAsync(Ids.NewPayoutId(), request, accountId, destination, _options.AttemptLease, "api", cancellationToken).ConfigureAwait(false);
        switch (inserted)
        {
            case PayoutInsert.Insufficient insufficient:
                return new PayoutAnswer.Insufficient(insufficient.Available);
            case PayoutInsert.KeyTaken:
                return await ReplayAsync(request, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("A payout's key was taken by a payout that is not there.");
        }

        var row = ((PayoutInsert.Inserted)inserted).Row;
        var first = AdvanceAsync(row);
        if (!respondAsync)
        {
            try
            {
                await first.WaitAsync(_options.AnswerWait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still at the PSP: the answer is the payout as recorded, pending.
            }
        }

        var (status, json) = await store.FindJsonAsync(request.MerchantId, row.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Payout {row.Id} vanished.");
        return new PayoutAnswer.Done(json, status != PayoutLifecycle.Pending, Replayed: false);
    }

    private async Task<PayoutAnswer?> ReplayAsync(PayoutRequest request, CancellationToken cancellationToken)
    {
        if (await store.FindByKeyAsync(request.MerchantId, request.IdempotencyKey, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        return found.RequestHash.AsSpan().SequenceEqual(request.RequestHash)
            ? new PayoutAnswer.Done(found.Json, found.Status != PayoutLifecycle.Pending, Replayed: true)
            : new PayoutAnswer.KeyReused();
    }

    private async Task AdvanceAsync(PayoutRow row)
    {
        await Task.Yield();
        try
        {
            await processor.AdvanceAsync(row, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The row is leased, recorded and pending: the sweep takes it up after its lease.
            Log.PayoutStepFailed(logger, row.Id, e);
        }
    }
}
