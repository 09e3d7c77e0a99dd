using Microsoft.AspNetCore.Builder;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// Another instance of the service on the same database and simulator as a running
/// <see cref="ServiceFixture"/>, as a second machine behind the load balancer would be.
/// </summary>
public sealed class KeyTestInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KeyTestInstance(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public IServiceProvider Services => _app.Services;

    public static async Task<KeyTestInstance> StartAsync(ServiceFixture service, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = service.Database.ConnectionString,
            ["Psp:BaseUrl"] = service.SimulatorUrl,
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = ServiceFixture.WebhookSecret,
            ["Secrets:ActiveKeyId"] = ServiceFixture.SealingKeySettings["Secrets:ActiveKeyId"],
            ["Secrets:SealingKeys:test"] = ServiceFixture.SealingKeySettings["Secrets:SealingKeys:test"],
            ["DemoMerchant:Enabled"] = "true",
            ["DemoMerchant:ApiKey"] = ServiceFixture.MerchantKey,
            ["DemoMerchant:FeeBps"] = "250",
            ["DemoMerchant:FeeFixed"] = "10",
            ["Merchants:0:Name"] = "Other merchant",
            ["Merchants:0:ApiKey"] = ServiceFixture.OtherMerchantKey,
            ["Operator:ApiKey"] = ServiceFixture.OperatorKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = PaymentsHost.Build(PaymentsHost.CreateBuilder([], settings));
        await app.StartAsync();
        return new KeyTestInstance(app);
    }

    public HttpClient ClientFor(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
