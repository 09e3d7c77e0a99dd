using Payments.Pipeline.Secrets;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// A delivery claimed for one attempt: where it goes, what it sends and the sealed key that
/// signs it (opened just before the send). <paramref name="Attempt"/> is the attempt number
/// this claim counted (from 1); it also fences the outcome against a later claim of the same row.
/// </summary>
internal sealed record ClaimedDelivery(long Id, string EndpointId, string Url, SealedSecret Secret, string EventId, string Payload, int Attempt)
{
    public override string ToString() => $"ClaimedDelivery {{ Id = {Id}, EndpointId = {EndpointId}, EventId = {EventId}, Attempt = {Attempt} }}";
}
