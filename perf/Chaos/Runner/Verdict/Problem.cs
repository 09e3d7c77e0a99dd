namespace Payments.Chaos.Verdict;

/// <summary>
/// Something the checks found. A lasting one (money moved twice, an unbalanced journal) cannot
/// heal by waiting, so the runner stops waiting for convergence; any other becomes a violation
/// only if it is still there at the convergence bound.
/// </summary>
internal sealed record Problem(string Check, string Detail, bool Lasting = false)
{
    public override string ToString() => $"{Check}: {Detail}";
}
