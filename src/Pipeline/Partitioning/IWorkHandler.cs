namespace Payments.Pipeline.Partitioning;

/// <summary>Runs one item taken from its partition.</summary>
public interface IWorkHandler<in TItem>
{
    Task HandleAsync(TItem item, CancellationToken cancellationToken);
}
