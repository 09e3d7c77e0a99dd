using System.Diagnostics;

namespace Payments.Ingress.Tests.OpenApi;

/// <summary>
/// Debian's <c>chromium</c>, headless, one run per call. The flags keep it from reaching for the
/// network on its own (updates, sync, QUIC probes): on a closed network it would wait on those
/// connections. Each run gets a fresh profile folder, removed afterwards.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Set by .ci/run, which installs chromium: there a missing browser fails the test instead of skipping it.</summary>
    public const string RequiredVariable = "PAYMENTS_REQUIRE_BROWSER";

    /// <summary>The binary on PATH, or null when the package is not installed.</summary>
    public static string? Binary { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "chromium"))
        .FirstOrDefault(File.Exists);

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>The page's DOM after its scripts ran (up to 15 s of the page's time).</summary>
    public static async Task<string> DumpDomAsync(string url) =>
        await RunAsync(["--virtual-time-budget=15000", "--dump-dom", url]);

    /// <summary>A PNG of the page after its scripts ran.</summary>
    public static async Task ScreenshotAsync(string url, string path) =>
        await RunAsync(["--virtual-time-budget=15000", "--window-size=1400,1000", "--hide-scrollbars", $"--screenshot={path}", url]);

    private static async Task<string> RunAsync(string[] arguments)
    {
        var binary = Binary ?? throw new InvalidOperationException(
            "chromium is not installed (apt-get install chromium); .ci/run installs it and requires this test to run.");
        var profile = Directory.CreateTempSubdirectory("openapi-chromium-");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                 }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish in 120 s: {string.Join(' ', arguments)}");
            }

            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await errors}");
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
