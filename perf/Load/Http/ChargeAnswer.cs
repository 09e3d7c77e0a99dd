namespace Payments.Load.Http;

/// <summary>What the runner reads from an answer: the charge's id and status, or the problem's code.</summary>
internal readonly record struct ChargeAnswer(string? Id, string? Status, string? ProblemCode)
{
    public bool IsFinal => Status is "captured" or "authorized" or "failed" or "voided";
}
