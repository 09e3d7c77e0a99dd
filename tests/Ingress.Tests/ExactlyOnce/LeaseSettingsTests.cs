using Microsoft.Extensions.Options;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>
/// A lease shorter than the work it guards lets another worker start the same step while the
/// first may still be running: the service refuses to start with such settings.
/// </summary>
public sealed class LeaseSettingsTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Attempt_lease_shorter_than_the_longest_PSP_call_stops_the_service_at_start()
    {
        // One call can take three attempts of 10 s and two retry waits: a 20 s lease ends under it.
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = _database.ConnectionString,
            ["Psp:BaseUrl"] = "http://127.0.0.1:9",
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = "whsec_tests_only",
            ["Secrets:ActiveKeyId"] = ServiceFixture.SealingKeySettings["Secrets:ActiveKeyId"],
            ["Secrets:SealingKeys:test"] = ServiceFixture.SealingKeySettings["Secrets:SealingKeys:test"],
            ["Psp:AttemptTimeout"] = "00:00:10",
            ["Psp:MaxRetries"] = "2",
            ["Charges:AttemptLease"] = "00:00:20",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var service = PaymentsHost.Build(PaymentsHost.CreateBuilder([], settings));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => service.StartAsync());

        Assert.Contains("Charges:AttemptLease", refused.Message, StringComparison.Ordinal);
    }
}
