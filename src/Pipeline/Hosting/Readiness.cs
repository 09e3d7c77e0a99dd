namespace Payments.Pipeline.Hosting;

/// <summary>
/// What <c>/readyz</c> reports: the schema is migrated and the pipeline's workers run.
/// Each part is set by the component that owns it.
/// </summary>
public sealed class Readiness
{
    private volatile bool _databaseMigrated;
    private volatile bool _pipelineRunning;

    public bool DatabaseMigrated => _databaseMigrated;

    public bool PipelineRunning => _pipelineRunning;

    public bool IsReady => _databaseMigrated && _pipelineRunning;

    public void MarkDatabaseMigrated() => _databaseMigrated = true;

    public void MarkPipelineRunning(bool running) => _pipelineRunning = running;
}
