using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Storage;
using Payments.Pipeline.Storage.Embedded;
using PspSimulator;

namespace Payments.Ingress.Hosting;

/// <summary>
/// The run command's embedded defaults: without <c>ConnectionStrings__Payments</c> a private
/// PostgreSQL is started from the machine's binaries; without <c>Psp__BaseUrl</c> the PSP
/// simulator runs in-process on a loopback port, with its webhooks pointed back at us.
/// Whatever was started here is stopped on disposal.
/// </summary>
internal sealed class EmbeddedDefaults : IAsyncDisposable
{
    private const string DefaultUrl = "http://127.0.0.1:5080";

    private EmbeddedPostgres? _postgres;
    private WebApplication? _simulator;

    public string? SimulatorUrl { get; private set; }

    public static async Task<EmbeddedDefaults> ApplyAsync(WebApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        var defaults = new EmbeddedDefaults();
        try
        {
            await defaults.StartAsync(builder, cancellationToken).ConfigureAwait(false);
            return defaults;
        }
        catch
        {
            await defaults.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.StopAsync().ConfigureAwait(false);
            await _simulator.DisposeAsync().ConfigureAwait(false);
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartAsync(WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        var configuration = builder.Configuration;
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger<EmbeddedDefaults>();

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageServiceCollectionExtensions.ConnectionStringName)))
        {
            var folder = configuration["EmbeddedPostgres:Directory"] ?? Path.Combine(RepositoryRoot(), ".data", "postgres");
            _postgres = await EmbeddedPostgres.StartAsync(folder, logger, cancellationToken).ConfigureAwait(false);
            await _postgres.EnsureDatabaseAsync("payments", cancellationToken).ConfigureAwait(false);
            configuration[$"ConnectionStrings:{StorageServiceCollectionExtensions.ConnectionStringName}"] = _postgres.ConnectionString("payments");

            // Local development: a sealing key kept with this cluster, and loopback receivers allowed.
            EmbeddedSealingKey.Apply(configuration, folder);
            configuration["Webhooks:AllowInsecureUrls"] ??= "true";
        }

        // The run command is for trying the service: it has a demo merchant (with a random sk_test_
        // key, printed at start) unless told otherwise. Everywhere else the demo merchant is off.
        if (string.IsNullOrWhiteSpace(configuration["DemoMerchant:Enabled"]))
        {
            configuration["DemoMerchant:Enabled"] = "true";
        }

        // The embedded run has an operator, so its API can be tried; the key is printed at start.
        if (string.IsNullOrWhiteSpace(configuration["Operator:ApiKey"]))
        {
            configuration["Operator:ApiKey"] = "sk_operator_" + RandomNumberGenerator.GetHexString(40, lowercase: true);
            configuration["Operator:Generated"] = "true";
        }

        // Our own address must be known before the simulator starts, to give it our webhook URL.
        var url = ResolveUrl(configuration["Urls"] ?? DefaultUrl);
        builder.WebHost.UseUrls(url);
        configuration["Urls"] = url;

        if (string.IsNullOrWhiteSpace(configuration["Psp:BaseUrl"]))
        {
            var apiKey = configuration["Psp:ApiKey"] ?? "sk_test_sim";
            var webhookSecret = configuration["Psp:WebhookSecret"] ?? "whsec_" + RandomNumberGenerator.GetHexString(32, lowercase: true);
            _simulator = SimulatorHost.Build([], new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Simulator:ApiKey"] = apiKey,
                ["Simulator:WebhookUrl"] = url.TrimEnd('/') + "/psp/webhooks",
                ["Simulator:WebhookSecret"] = webhookSecret,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            await _simulator.StartAsync(cancellationToken).ConfigureAwait(false);
            SimulatorUrl = _simulator.Urls.First();
            configuration["Psp:BaseUrl"] = SimulatorUrl;
            configuration["Psp:ApiKey"] = apiKey;
            configuration["Psp:WebhookSecret"] = webhookSecret;

            // The simulator answers inside this process, so each PSP call holds two of its
            // descriptors (our end and the simulator's): half the PSP share, unless set.
            if (string.IsNullOrWhiteSpace(configuration["Psp:MaxConnections"]))
            {
                configuration["Psp:MaxConnections"] = Math.Max(1, DescriptorBudget.For(configuration).PspConnections / 2).ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// <c>dotnet run --project</c> starts in the project's folder; the cluster belongs at the
    /// repository root (beside PaymentPipeline.sln), or in the working folder outside a clone.
    /// </summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PaymentPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>Port 0 is made concrete here, since the simulator needs the final address.</summary>
    private static string ResolveUrl(string urls)
    {
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var uri = new Uri(first.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Port != 0)
        {
            return first;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new UriBuilder(uri) { Port = port }.Uri.ToString().TrimEnd('/').ToString(CultureInfo.InvariantCulture);
    }
}
