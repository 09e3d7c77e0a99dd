using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Creates the demo merchant and the merchants listed under <c>Merchants</c> at start
/// (after migration: hosted services start in registration order).
/// </summary>
public sealed class MerchantSeeder(MerchantStore store, IOptions<DemoMerchantOptions> demo, IConfiguration configuration) : IHostedService
{
    /// <summary>The demo merchant's key, so the run command can print it; null when disabled.</summary>
    public string? DemoApiKey { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = demo.Value;
        if (options.Enabled)
        {
            DemoApiKey = string.IsNullOrEmpty(options.ApiKey) ? ApiKeys.Generate() : options.ApiKey;
            await store.UpsertAsync(new Merchant(DemoMerchantOptions.Id, options.Name, options.FeeBps, options.FeeFixed), DemoApiKey, cancellationToken).ConfigureAwait(false);
        }

        foreach (var section in configuration.GetSection("Merchants").GetChildren())
        {
            var seed = section.Get<MerchantSeedOptions>() ?? throw new InvalidOperationException($"{section.Path} is empty.");
            if (string.IsNullOrEmpty(seed.ApiKey) || string.IsNullOrWhiteSpace(seed.Name) || seed.ApiKey.Length < 16)
            {
                throw new InvalidOperationException($"{section.Path} needs a Name and an ApiKey of at least 16 characters.");
            }

            await store.UpsertAsync(new Merchant(IdFor(seed.Name), seed.Name, seed.FeeBps, seed.FeeFixed), seed.ApiKey, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A seeded merchant's id is derived from its name, so reseeding updates it in place.</summary>
    public static string IdFor(string name) =>
        "mch_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..20];
}
