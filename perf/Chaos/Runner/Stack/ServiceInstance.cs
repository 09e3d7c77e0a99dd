using Payments.Testing;

namespace Payments.Chaos.Stack;

/// <summary>
/// One of the two service processes. Its address is fixed for the whole run, so callers, the
/// PSP's webhooks and the other instance keep reaching it across a SIGKILL and its restart.
/// </summary>
internal sealed class ServiceInstance(string name, string url, IReadOnlyDictionary<string, string> environment) : IDisposable
{
    private ServiceProcess? _process;

    public string Name { get; } = name;

    public string Url { get; } = url;

    public bool Running => _process is not null;

    public async Task StartAsync() => _process = await ServiceProcess.StartAsync(environment, Url).ConfigureAwait(false);

    /// <summary>SIGKILL: no shutdown hook runs; in-flight PSP calls and open transactions are cut.</summary>
    public void Kill()
    {
        _process?.KillHard();
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}
