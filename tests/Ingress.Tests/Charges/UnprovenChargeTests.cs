using System.Globalization;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

/// <summary>The PSP's search at the contract's full 5 s indexing lag.</summary>
public sealed class ContractLagServiceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Psp:SearchLag"] = "00:00:05",
    };

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        ["Simulator:SearchLagMs"] = "5000",
    };
}

public sealed class UnprovenChargeTests(ContractLagServiceFixture service) : IClassFixture<ContractLagServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Psp_500_before_execution_is_proven_uncharged_past_the_search_lag_and_fails_without_a_new_key()
    {
        // Saved under the key: every replay returns the same 500, so only search can tell.
        await service.SetFaultsAsync(new { error_500_before = new { rate = 1.0, operations = new[] { "create" } } });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4500), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;

        var unknown = await service.WaitForChargeAsync(id, c => (string?)c["pending_reason"] == "outcome_unknown" || (string?)c["status"] != "pending");
        Assert.Equal("pending", (string?)unknown["status"]);
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "failed", TimeSpan.FromSeconds(30));

        Assert.Equal("psp_error", (string?)final["failure_code"]);
        var created = DateTimeOffset.Parse((string)final["created_at"]!, CultureInfo.InvariantCulture);
        var failed = DateTimeOffset.Parse((string)final["updated_at"]!, CultureInfo.InvariantCulture);
        Assert.True(failed - created >= TimeSpan.FromSeconds(5), $"failed after {failed - created}, before the search lag had passed");
        var truth = await service.TruthAsync(id);
        Assert.Empty(truth["payment_intents"]!.AsArray());
        Assert.Empty(truth["movements"]!.AsArray());
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.failed"));
    }
}
