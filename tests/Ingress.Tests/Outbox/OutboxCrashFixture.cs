namespace Payments.Ingress.Tests.Outbox;

/// <summary>The first service runs as a child process, so it can be killed hard mid-stream.</summary>
public sealed class OutboxCrashFixture : OutboxFixture
{
    protected override bool StartServiceOnInitialize => false;
}
