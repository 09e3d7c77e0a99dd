namespace PspSimulator;

/// <summary>
/// Builds the simulator's web application, standalone (<c>dotnet run</c>) or in-process
/// for tests and the service's embedded development run.
/// </summary>
public static class SimulatorHost
{
    /// <param name="args">Command-line arguments, as for <c>WebApplication.CreateBuilder</c>.</param>
    /// <param name="settings">Configuration that wins over every other source (e.g. <c>Urls</c>, <c>Simulator:Seed</c>).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var app = builder.Build();
        app.MapGet("/_sim/health", () => TypedResults.Ok());
        return app;
    }
}
