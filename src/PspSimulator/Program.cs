using PspSimulator;

var app = SimulatorHost.Build(args);
await app.RunAsync().ConfigureAwait(false);
