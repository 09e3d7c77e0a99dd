namespace Payments.Ingress.Tests.OpenApi;

/// <summary>
/// A test that needs Debian's <c>chromium</c>: skipped, saying why, only where it is not installed and
/// not required. <c>.ci/run</c> installs it and sets <see cref="HeadlessChromium.RequiredVariable"/>,
/// so there a missing browser fails the test rather than skipping it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Binary is null && !HeadlessChromium.Required)
        {
            Skip = $"Debian's chromium is not on PATH (apt-get install chromium; .ci/run installs it and sets {HeadlessChromium.RequiredVariable}=1).";
        }
    }
}
