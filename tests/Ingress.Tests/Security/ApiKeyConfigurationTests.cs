using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Operators;
using Payments.Testing;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// Keys from configuration: too short stops the start (naming the setting) before anything is
/// written; reseeding is repeatable; a changed key is added beside the configured one, which ends
/// only at the operator's cut-off (Keys:RevokeConfiguredBefore); the demo merchant
/// exists only when turned on, with a long random sk_test_ key.
/// </summary>
public sealed class ApiKeyConfigurationTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string ShortKey = "sk_live_0123456789abcdef0123456"; // 31 characters

    [Theory]
    [InlineData("DemoMerchant:ApiKey", "DemoMerchant__ApiKey")]
    [InlineData("Merchants:1:ApiKey", "Merchants__1__ApiKey")]
    [InlineData("Operator:ApiKey", "Operator__ApiKey")]
    public async Task Configured_key_shorter_than_32_characters_stops_the_start_naming_the_setting(string setting, string environment)
    {
        Assert.Equal(31, ShortKey.Length);
        var merchants = await database.ScalarAsync<long>("SELECT count(*) FROM merchants");
        var keys = await database.ScalarAsync<long>("SELECT count(*) FROM api_keys");
        var settings = new Dictionary<string, string?> { [setting] = ShortKey };
        if (setting.StartsWith("Merchants", StringComparison.Ordinal))
        {
            // A good merchant before it: nothing is written while any setting is bad.
            settings["Merchants:0:Name"] = "Good key merchant";
            settings["Merchants:0:ApiKey"] = "sk_live_" + new string('a', 40);
            settings["Merchants:1:Name"] = "Short key merchant";
        }

        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StartAsync(settings);
        });

        Assert.Contains(environment, refused.Message, StringComparison.Ordinal);
        Assert.Contains("32", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortKey, refused.Message, StringComparison.Ordinal);
        if (setting != "Operator:ApiKey")
        {
            Assert.Equal(merchants, await database.ScalarAsync<long>("SELECT count(*) FROM merchants"));
            Assert.Equal(keys, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
        }
        else
        {
            // Other tests of the class start with a good operator key: the short one is never stored.
            Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM operator_keys WHERE api_key_hash = sha256(convert_to($1, 'UTF8'))", ShortKey));
        }
    }

    [Fact]
    public async Task Demo_merchant_is_off_unless_turned_on_and_then_gets_a_long_random_test_key()
    {
        await using (var off = await StartAsync(new Dictionary<string, string?>()))
        {
            Assert.Null(off.Services.GetRequiredService<MerchantSeeder>().DemoApiKey);
            Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM merchants WHERE id = $1", DemoMerchantOptions.Id));
        }

        string earlier;
        await using (var before = await StartAsync(new Dictionary<string, string?> { ["DemoMerchant:Enabled"] = "true" }))
        {
            earlier = before.Services.GetRequiredService<MerchantSeeder>().DemoApiKey!;
        }

        await using var on = await StartAsync(new Dictionary<string, string?> { ["DemoMerchant:Enabled"] = "true" });
        var key = on.Services.GetRequiredService<MerchantSeeder>().DemoApiKey!;

        Assert.Matches("^sk_test_[0-9a-f]{40}$", key);
        Assert.Equal(DemoMerchantOptions.Id, (await on.Services.GetRequiredService<ApiKeyStore>().FindMerchantAsync(key))?.Id);

        // A key generated at a start replaces the one generated at the start before: nobody configured either.
        Assert.Null(await on.Services.GetRequiredService<ApiKeyStore>().FindMerchantAsync(earlier));
    }

    [Fact]
    public async Task Reseeding_the_same_key_adds_no_row_and_a_changed_key_is_added_until_the_operator_cut_off_revokes_the_old_one()
    {
        var first = "sk_live_" + new string('1', 40);
        var second = "sk_live_" + new string('2', 40);
        var merchantId = MerchantSeeder.IdFor("Reseeded merchant");
        Dictionary<string, string?> With(string key) => new() { ["Merchants:0:Name"] = "Reseeded merchant", ["Merchants:0:ApiKey"] = key };

        await using (await StartAsync(With(first)))
        {
        }

        await using (await StartAsync(With(first)))
        {
        }

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE merchant_id = $1", merchantId));

        // A rolling key change: instances still configured with the first key keep their callers.
        await using (var changed = await StartAsync(With(second)))
        {
            var keys = changed.Services.GetRequiredService<ApiKeyStore>();
            Assert.Equal(merchantId, (await keys.FindMerchantAsync(first))?.Id);
            Assert.Equal(merchantId, (await keys.FindMerchantAsync(second))?.Id);
            Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE merchant_id = $1", merchantId));
        }

        // Every instance runs the second key: the operator's cut-off ends the first.
        var cutOff = With(second);
        cutOff["Keys:RevokeConfiguredBefore"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await using var after = await StartAsync(cutOff);
        var afterKeys = after.Services.GetRequiredService<ApiKeyStore>();

        Assert.Null(await afterKeys.FindMerchantAsync(first));
        Assert.Equal(merchantId, (await afterKeys.FindMerchantAsync(second))?.Id);
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE merchant_id = $1", merchantId));
    }

    [Fact]
    public async Task Operator_key_generated_for_a_run_replaces_the_ones_before_it()
    {
        var firstOperator = "sk_operator_" + new string('4', 40);
        var secondOperator = "sk_operator_" + new string('5', 40);
        Dictionary<string, string?> Generated(string operatorKey) => new() { ["Operator:ApiKey"] = operatorKey, ["Operator:Generated"] = "true" };

        await using (await StartAsync(Generated(firstOperator)))
        {
        }

        await using var second = await StartAsync(Generated(secondOperator));
        var operators = second.Services.GetRequiredService<OperatorKeyStore>();

        Assert.False(await operators.IsOperatorKeyAsync(firstOperator));
        Assert.True(await operators.IsOperatorKeyAsync(secondOperator));
    }

    [Fact]
    public async Task Key_cut_off_in_the_future_stops_the_start_naming_the_setting()
    {
        var keys = await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL");
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StartAsync(new Dictionary<string, string?>
            {
                ["Keys:RevokeConfiguredBefore"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
        });

        Assert.Contains("Keys__RevokeConfiguredBefore", refused.Message, StringComparison.Ordinal);
        Assert.Equal(keys, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"));
    }

    [Fact]
    public async Task One_key_configured_for_two_merchants_stops_the_start()
    {
        var key = "sk_live_" + new string('3', 40);
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StartAsync(new Dictionary<string, string?>
            {
                ["Merchants:0:Name"] = "First of two",
                ["Merchants:0:ApiKey"] = key,
                ["Merchants:1:Name"] = "Second of two",
                ["Merchants:1:ApiKey"] = key,
            });
        });

        Assert.Contains("another merchant's key", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE merchant_id = $1", MerchantSeeder.IdFor("Second of two")));
    }

    private async Task<AsyncHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = database.ConnectionString,
            ["Psp:BaseUrl"] = "http://127.0.0.1:9",
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = "whsec_tests_only",
            ["Secrets:ActiveKeyId"] = ServiceFixture.SealingKeySettings["Secrets:ActiveKeyId"],
            ["Secrets:SealingKeys:test"] = ServiceFixture.SealingKeySettings["Secrets:SealingKeys:test"],
            ["Operator:ApiKey"] = ServiceFixture.OperatorKey,
            ["Outbox:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "None",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = PaymentsHost.Build(PaymentsHost.CreateBuilder([], all));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new AsyncHost(app);
    }

    private sealed class AsyncHost(WebApplication app) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
