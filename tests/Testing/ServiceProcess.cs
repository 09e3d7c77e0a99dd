using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Payments.Testing;

/// <summary>
/// The service as a real child process (the built Payments.Ingress.dll), so a test can kill
/// it hard (SIGKILL) at any instant, as a crash or an OOM kill would.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;

    private ServiceProcess(Process process, string url, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
        Url = url;
    }

    /// <summary>What the process printed to stdout so far (the start banner).</summary>
    public IReadOnlyCollection<string> Output => _output;

    public string Url { get; }

    /// <summary>
    /// Starts the service and waits until it is ready; <paramref name="url"/> pins its address (a
    /// restarted instance keeps the one its callers know), else a free loopback port is taken.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string? url = null)
    {
        url ??= $"http://127.0.0.1:{FreePort()}";
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Payments.Ingress.dll"));
        startInfo.Environment["Urls"] = url;
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service process exited with {process.ExitCode} before it was ready.");
            }

            try
            {
                using var ready = await probe.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return new ServiceProcess(process, url, output);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(50);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The service process was not ready within 60 s.");
    }

    /// <summary>Sends a signal by name (TERM, INT) and waits for the process to exit.</summary>
    public async Task<bool> SignalAndWaitAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, nothing flushed.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
