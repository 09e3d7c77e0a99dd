using Payments.Ingress.Hosting;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Storage.Embedded;

var builder = PaymentsHost.CreateBuilder(args);

EmbeddedDefaults embedded;
try
{
    embedded = await EmbeddedDefaults.ApplyAsync(builder);
}
catch (EmbeddedPostgresException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

await using (embedded)
{
    var app = PaymentsHost.Build(builder);
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        // The banner is for the person at the terminal: the demo key is printed on purpose,
        // to stdout only, never through the logger.
        Console.WriteLine($"Merchant API: {app.Urls.First()}");
        Console.WriteLine($"Demo merchant key: {app.Services.GetRequiredService<MerchantSeeder>().DemoApiKey ?? "(disabled)"}");
        Console.WriteLine($"Operator key: {builder.Configuration["Operator:ApiKey"] ?? "(none: set Operator__ApiKey)"}");
        if (embedded.SimulatorUrl is not null)
        {
            Console.WriteLine($"PSP simulator: {embedded.SimulatorUrl}");
        }
    });
    await app.RunAsync();
}

return 0;
