using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Outbox;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>Webhook signing secrets are sealed at rest: reading the database does not let anyone sign as us.</summary>
[Collection(OutboxTestGroup.Name)]
public sealed class WebhookSecretSealingTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Endpoint_row_holds_no_trace_of_the_secret_in_any_column()
    {
        using var created = await ServiceFixture.PostJsonAsync(
            service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), new JsonObject { ["url"] = "https://hooks.merchant.example/sealed" }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)endpoint["id"]!;
        var secret = (string)endpoint["secret"]!;

        var row = await service.Database.ScalarAsync<string>("SELECT to_jsonb(e)::text FROM webhook_endpoints AS e WHERE id = $1", id);
        var sealedBytes = await service.Database.ScalarAsync<byte[]>("SELECT secret_sealed FROM webhook_endpoints WHERE id = $1", id);

        Assert.DoesNotContain(secret["whsec_".Length..], row, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(secret["whsec_".Length..])), row, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret["whsec_".Length..])));
        Assert.Equal("test", await service.Database.ScalarAsync<string>("SELECT secret_key_id FROM webhook_endpoints WHERE id = $1", id));
        using var deleted = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{id}");
    }

    [Fact]
    public async Task Endpoint_whose_sealed_secret_was_altered_gets_nothing_sent()
    {
        var receiver = service.Receiver;
        var endpointId = await OutboxTruth.RegisterAsync(service.Merchant, receiver, "tampered");
        // One bit of the ciphertext flipped, as a careless or hostile write to the database would.
        await service.Database.ExecuteAsync(
            "UPDATE webhook_endpoints SET secret_sealed = set_byte(secret_sealed, 20, get_byte(secret_sealed, 20) # 1) WHERE id = $1", endpointId);

        using (var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1400), respondAsync: true))
        {
            Assert.Equal(HttpStatusCode.Accepted, charge.StatusCode);
        }

        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND last_error = 'secret_unavailable' AND last_status_code IS NULL", endpointId) > 0,
            TimeSpan.FromSeconds(30), () => "an attempt that could not open the secret");
        Assert.Empty(receiver.Arrivals("tampered"));
        using var deleted = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{endpointId}");
    }

    [Fact]
    public async Task Service_without_a_sealing_key_does_not_start_and_names_the_settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = service.Database.ConnectionString,
            ["Psp:BaseUrl"] = service.SimulatorUrl,
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = ServiceFixture.WebhookSecret,
            ["Logging:LogLevel:Default"] = "None",
        };
        await using var app = PaymentsHost.Build(PaymentsHost.CreateBuilder([], settings));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Secrets:ActiveKeyId", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Secrets:SealingKeys:", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_run_makes_its_key_once_readable_by_its_user_only_and_keeps_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"sealing-key-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, EmbeddedSealingKey.FileName);
            var first = EmbeddedSealingKey.ReadOrCreate(path);
            var again = EmbeddedSealingKey.ReadOrCreate(path);

            Assert.Equal(first, again);
            Assert.Equal(32, Convert.FromBase64String(first).Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
