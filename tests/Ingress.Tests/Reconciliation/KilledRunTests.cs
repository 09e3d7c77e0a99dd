using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Reconciliation;

/// <summary>
/// Two instances on one database, the first a child process that is killed hard mid-run; runs
/// are asked for by the test only, so no worker takes the day first.
/// </summary>
public sealed class KilledRunFixture : ServiceFixture
{
    protected override bool StartServiceOnInitialize => false;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Enabled"] = "false",
    };
}

/// <summary>
/// A reconciliation run whose instance is SIGKILLed mid-run must not hold its date: the other
/// instance runs the date at once and completes it, and the killed run ends failed as abandoned.
/// </summary>
public sealed class KilledRunTests(KilledRunFixture service) : IClassFixture<KilledRunFixture>
{
    [Fact]
    public async Task Run_of_an_instance_killed_mid_run_frees_its_date_for_the_other_instance_within_seconds()
    {
        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
        var body = $"{{\"date\": \"{date}\"}}";

        using (var first = await ServiceProcess.StartAsync(service.ChildProcessEnvironment(new Dictionary<string, string> { ["Reconciliation:Enabled"] = "false" })))
        {
            // The run's first read after its row is written is of settlement_lines: held here, the
            // run stays running until the kill.
            await using var holder = await service.Database.DataSource.OpenConnectionAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockLines = new NpgsqlCommand("LOCK TABLE settlement_lines IN ACCESS EXCLUSIVE MODE", holder, hold))
            {
                await lockLines.ExecuteNonQueryAsync();
            }

            using var client = new HttpClient { BaseAddress = new Uri(first.Url) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.OperatorKey);
            var stuck = ServiceFixture.PostJsonAsync(client, "/v1/reconciliation/runs", ChargeBodies.NewKey(), body);
            await Poll.UntilAsync(
                async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM reconciliation_runs WHERE date = $1::date AND status = 'running'", date) == 1,
                "the first instance's run to start", TimeSpan.FromSeconds(30));

            first.KillHard();
            await hold.RollbackAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => stuck);
        }

        await service.StartServiceAsync();
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        var asked = Stopwatch.StartNew();
        using var run = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), body);
        var took = asked.Elapsed;

        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        Assert.Equal("completed", (string?)(await ServiceFixture.ReadObjectAsync(run))["status"]);
        Assert.True(took < TimeSpan.FromSeconds(10), $"the date was free only after {took}");
        Assert.Equal(1L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM reconciliation_runs WHERE date = $1::date AND status = 'failed' AND failure_reason LIKE 'abandoned%'", date));
    }
}
