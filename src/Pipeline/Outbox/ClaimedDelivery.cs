namespace Payments.Pipeline.Outbox;

/// <summary>
/// A delivery claimed for one attempt: where it goes, what it sends and the key that signs
/// it. <paramref name="Attempt"/> is the attempt number this claim counted (from 1); it also
/// fences the outcome against a later claim of the same row.
/// </summary>
internal sealed record ClaimedDelivery(long Id, string EndpointId, string Url, string Secret, string EventId, string Payload, int Attempt)
{
    // The record's generated ToString would print the signing secret.
    public override string ToString() => $"ClaimedDelivery {{ Id = {Id}, EndpointId = {EndpointId}, EventId = {EventId}, Attempt = {Attempt} }}";
}
