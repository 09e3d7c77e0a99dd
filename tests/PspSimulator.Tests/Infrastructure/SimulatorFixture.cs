using Microsoft.AspNetCore.Builder;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>
/// A real simulator on 127.0.0.1, port 0, one per test class. Classes that need other settings
/// derive and override <see cref="Settings"/>.
/// </summary>
public class SimulatorFixture : IAsyncLifetime, IDisposable
{
    private WebApplication? _app;
    private SimulatorApi? _api;

    public SimulatorApi Api => _api ?? throw new InvalidOperationException("Not started.");

    public Uri BaseAddress => Api.BaseAddress;

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Simulator:Seed"] = "42",
            ["Simulator:SearchLagMs"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        _app = SimulatorHost.Build([], settings);
        await _app.StartAsync();
        _api = new SimulatorApi(new Uri(_app.Urls.First()));
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _api?.Dispose();
        }
    }
}
