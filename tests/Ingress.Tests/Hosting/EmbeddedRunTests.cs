using System.Diagnostics;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Hosting;

/// <summary>
/// The run command's embedded defaults, as a real process: its own PostgreSQL and simulator,
/// and no PostgreSQL left behind however the service ends.
/// </summary>
public sealed class EmbeddedRunTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("KILL")]
    public async Task Service_with_embedded_defaults_becomes_ready_and_leaves_no_postgres_after(string signal)
    {
        var directory = Path.Combine(TestCluster.RepositoryRoot(), ".data", $"test-run-{Guid.NewGuid():N}");
        try
        {
            using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
            {
                ["EmbeddedPostgres__Directory"] = directory,
                ["DemoMerchant__ApiKey"] = ServiceFixture.MerchantKey,
            });
            Assert.Equal(1, PostgresProcessesFor(directory));
            using var client = new HttpClient { BaseAddress = new Uri(service.Url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceFixture.MerchantKey);
            using var charge = await ServiceFixture.PostChargeAsync(client, ChargeBodies.NewKey(), ChargeBodies.Visa(100));
            Assert.Equal("captured", (string?)(await ServiceFixture.ReadObjectAsync(charge))["status"]);
            // The banner prints an operator key made for this run, and it opens the operator's API.
            var operatorLine = await Poll.UntilAsync(
                () => Task.FromResult(service.Output.FirstOrDefault(l => l.StartsWith("Operator key: ", StringComparison.Ordinal))),
                line => line is not null,
                _ => "the banner to print the operator key");
            using var operatorClient = new HttpClient { BaseAddress = new Uri(service.Url) };
            operatorClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorLine!["Operator key: ".Length..]);
            using (var balances = await operatorClient.GetAsync("/v1/ledger/balances"))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, balances.StatusCode);
            }

            if (signal == "KILL")
            {
                service.KillHard();
            }
            else
            {
                Assert.True(await service.SignalAndWaitAsync(signal, TimeSpan.FromSeconds(30)), $"SIG{signal} did not stop the service");
            }

            // After a hard kill the watchdog notices within about a second.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (PostgresProcessesFor(directory) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Equal(0, PostgresProcessesFor(directory));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static int PostgresProcessesFor(string directory) =>
        Process.GetProcessesByName("postgres").Count(p =>
        {
            try
            {
                return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(directory, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });
}
