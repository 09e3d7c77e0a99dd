namespace Payments.Pipeline.Partitioning;

public interface IWorkHandler
{
    Task HandleAsync(WorkItem item, CancellationToken cancellationToken);
}
