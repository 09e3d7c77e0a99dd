using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Creates the demo merchant (only when <c>DemoMerchant:Enabled</c>) and the merchants listed
/// under <c>Merchants</c> at start (after migration: hosted services start in registration
/// order). A configured key shorter than <see cref="ApiKeys.MinLength"/> stops the start, naming
/// the setting: a short key is guessable, and a service that starts with one would accept it.
/// </summary>
public sealed class MerchantSeeder(
    MerchantStore store, ApiKeyStore keys, IOptions<DemoMerchantOptions> demo, IOptions<KeyOptions> keyOptions, IConfiguration configuration, ILogger<MerchantSeeder> logger)
    : IHostedService
{
    /// <summary>The demo merchant's key, so the run command can print it; null when disabled.</summary>
    public string? DemoApiKey { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Every setting is checked before anything is written: a bad one leaves the database as it was.
        var options = demo.Value;
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            RefuseShort(options.ApiKey, "DemoMerchant:ApiKey", "DemoMerchant__ApiKey");
        }

        RefuseUnknownPolicy(options.DuplicatePolicy, "DemoMerchant__DuplicatePolicy");
        RefuseBadBankAccount(options.BankAccount, "DemoMerchant__BankAccount");
        var seeds = new List<(string Path, MerchantSeedOptions Seed)>();
        foreach (var section in configuration.GetSection("Merchants").GetChildren())
        {
            var seed = section.Get<MerchantSeedOptions>() ?? throw new InvalidOperationException($"{section.Path} is empty.");
            if (string.IsNullOrWhiteSpace(seed.Name))
            {
                throw new InvalidOperationException($"{section.Path}:Name ({EnvironmentName(section.Path)}__Name) is required.");
            }

            RefuseShort(seed.ApiKey, $"{section.Path}:ApiKey", $"{EnvironmentName(section.Path)}__ApiKey");
            RefuseUnknownPolicy(seed.DuplicatePolicy, $"{EnvironmentName(section.Path)}__DuplicatePolicy");
            RefuseBadBankAccount(seed.BankAccount, $"{EnvironmentName(section.Path)}__BankAccount");
            seeds.Add((section.Path, seed));
        }

        if (options.Enabled)
        {
            // A key generated at this start replaces the one generated at the last: nobody configured either.
            var generated = string.IsNullOrEmpty(options.ApiKey);
            DemoApiKey = generated ? ApiKeys.Generate(ApiKeys.TestPrefix) : options.ApiKey!;
            await SeedAsync(new Merchant(DemoMerchantOptions.Id, options.Name, options.FeeBps, options.FeeFixed, options.DuplicatePolicy, options.BankAccount), DemoApiKey, "DemoMerchant__ApiKey", generated, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (path, seed) in seeds)
        {
            await SeedAsync(new Merchant(IdFor(seed.Name), seed.Name, seed.FeeBps, seed.FeeFixed, seed.DuplicatePolicy, seed.BankAccount), seed.ApiKey!, $"{EnvironmentName(path)}__ApiKey", false, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A seeded merchant's id is derived from its name, so reseeding updates it in place.</summary>
    public static string IdFor(string name) =>
        "mch_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..20];

    private async Task SeedAsync(Merchant merchant, string apiKey, string setting, bool replaceOthers, CancellationToken cancellationToken)
    {
        await store.UpsertAsync(merchant, cancellationToken).ConfigureAwait(false);
        var (live, otherLive) = await keys.SeedConfiguredAsync(merchant.Id, apiKey, replaceOthers, keyOptions.Value.RevokeConfiguredBefore, cancellationToken).ConfigureAwait(false);
        if (!live)
        {
            Log.ConfiguredKeyRevoked(logger, merchant.Id, setting);
        }

        if (otherLive > 0)
        {
            Log.OtherConfiguredKeysLive(logger, merchant.Id, otherLive, setting);
        }
    }

    private static void RefuseUnknownPolicy(string policy, string environment)
    {
        if (policy is not (DuplicatePolicies.Flag or DuplicatePolicies.Refuse))
        {
            throw new InvalidOperationException($"{environment} must be '{DuplicatePolicies.Flag}' or '{DuplicatePolicies.Refuse}', not '{policy}'.");
        }
    }

    private static void RefuseBadBankAccount(string bankAccount, string environment)
    {
        if (!BankAccounts.IsToken(bankAccount))
        {
            throw new InvalidOperationException($"{environment} must be a PSP bank account token (ba_ and 1 to 64 letters, digits or underscores).");
        }
    }

    private static void RefuseShort(string? apiKey, string setting, string environment)
    {
        if (apiKey is null || apiKey.Length < ApiKeys.MinLength)
        {
            throw new InvalidOperationException(
                $"{setting} (environment {environment}) must be at least {ApiKeys.MinLength} characters: a short key can be guessed. "
                + "Generate one, e.g. sk_live_ followed by 40 hex digits (openssl rand -hex 20).");
        }
    }

    private static string EnvironmentName(string path) => path.Replace(":", "__", StringComparison.Ordinal);
}
