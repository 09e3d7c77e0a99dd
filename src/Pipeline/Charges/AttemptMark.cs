namespace Payments.Pipeline.Charges;

/// <summary>
/// A step leased for one PSP call, read back from the database: its version and attempt count
/// after the mark, the database's time of the mark, and when the step was recorded (its first
/// send came after that). Both instants are the database's clock (invariant 12).
/// </summary>
public sealed record AttemptMark(int Version, int Attempts, DateTimeOffset Now, DateTimeOffset RecordedAt);
